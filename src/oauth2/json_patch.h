// RFC 6902 JSON Patch (add, remove, replace, move, copy, test) over Boost.JSON values, with
// RFC 6901 JSON Pointers. Used by PATCH /admin/clients/{id}. Atomic: on any error the document
// is left as it was.
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>

namespace argus::oauth2 {

// Applies `patch` (an array of operations) to `document`. Returns an error description, or
// nothing on success.
std::optional<std::string> apply_json_patch(boost::json::value& document,
                                            const boost::json::value& patch);

}  // namespace argus::oauth2
