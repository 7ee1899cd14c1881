// JSON parsing for what clients send (client bodies, JSON Patch documents) and for the client
// metadata argus stores. It is Boost.JSON's parser, except that a number with a fraction or an
// exponent is converted by std::from_chars, which rounds correctly. Boost.JSON 1.81's own
// conversion can land a unit in the last place away, so metadata shown and put back drifted;
// it also reads 0e999 as NaN and a number too large for a double as an infinity, which would be
// stored as the non-JSON NaN and Infinity. Here a number out of a double's range is an error.
#pragma once

#include <boost/json/value.hpp>
#include <string_view>

namespace argus::oauth2 {

// The value of `text` (one JSON document, surrounding whitespace allowed); null and `ec` set
// when it is not JSON or holds a number out of range.
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec);

}  // namespace argus::oauth2
