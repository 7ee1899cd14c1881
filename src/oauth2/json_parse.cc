#include "oauth2/json_parse.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>
#include <string>

namespace argus::oauth2 {
namespace {
namespace json = boost::json;
using boost::system::error_code;

// Builds the value as Boost.JSON's own parser does (boost/json/detail/handler.hpp), numbers
// aside.
struct PreciseHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;
  std::string number;  // the parts of a number seen so far

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t n, error_code&) { return stack.push_object(n), true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t n, error_code&) { return stack.push_array(n), true; }
  bool on_key_part(json::string_view s, std::size_t, error_code&) {
    return stack.push_chars(s), true;
  }
  bool on_key(json::string_view s, std::size_t, error_code&) { return stack.push_key(s), true; }
  bool on_string_part(json::string_view s, std::size_t, error_code&) {
    return stack.push_chars(s), true;
  }
  bool on_string(json::string_view s, std::size_t, error_code&) {
    return stack.push_string(s), true;
  }
  bool on_number_part(json::string_view s, error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, error_code&) {
    number.clear();
    return stack.push_int64(i), true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, error_code&) {
    number.clear();
    return stack.push_uint64(u), true;
  }
  bool on_double(double, json::string_view s, error_code& ec) {
    number.append(s.data(), s.size());
    double d = 0;
    const auto [end, err] = std::from_chars(number.data(), number.data() + number.size(), d);
    const bool whole = end == number.data() + number.size();
    number.clear();
    if (err != std::errc() || !whole) {
      ec = json::error::exponent_overflow;  // beyond a double's range, either way
      return false;
    }
    return stack.push_double(d), true;
  }
  bool on_bool(bool b, error_code&) { return stack.push_bool(b), true; }
  bool on_null(error_code&) { return stack.push_null(), true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }
};

}  // namespace

json::value parse_json(std::string_view text, error_code& ec) {
  json::basic_parser<PreciseHandler> parser{json::parse_options{}};
  parser.handler().stack.reset();
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  if (ec) return nullptr;
  return parser.handler().stack.release();
}

}  // namespace argus::oauth2
