// application/x-www-form-urlencoded bodies and query strings (percent-decoding, '+' as space),
// and HTTP Basic credentials (RFC 6749 §2.3.1: base64, then form-decoding of each half).
// Malformed input (bad escapes, invalid UTF-8, NUL bytes) is rejected rather than repaired.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace argus::oauth2 {

struct FormParams {
  std::vector<std::pair<std::string, std::string>> items;
  // The first value of `name`, or null.
  const std::string* get(std::string_view name) const noexcept;
  std::size_t count(std::string_view name) const noexcept;
  // The first parameter name (other than those in `allowed`) given more than once, or empty.
  std::string first_duplicate(std::initializer_list<std::string_view> allowed = {}) const;
};

std::optional<FormParams> parse_urlencoded(std::string_view text);
bool form_decode(std::string_view in, std::string& out);

struct BasicCredentials {
  std::string client_id;
  std::string client_secret;
};
// From an "Authorization: Basic ..." value; nullopt if it is not valid base64 "id:secret".
std::optional<BasicCredentials> parse_basic(std::string_view header_value);
// Strict standard base64 (padding required); nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view in);

// Whether a Content-Type value names `type` (ignoring parameters and case).
bool media_type_is(std::string_view content_type, std::string_view type);

}  // namespace argus::oauth2
