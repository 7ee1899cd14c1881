#include "store/codec.h"

#include <boost/json.hpp>

namespace argus::store::codec {
namespace {

Error invalid(std::string_view field, std::string_view problem) {
  return Error{Error::Code::invalid, std::string(field) + ": " + std::string(problem)};
}

constexpr std::string_view kTokenPrefix = "k1.";
constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string encode_list(const std::vector<std::string>& items) {
  boost::json::array array;
  array.reserve(items.size());
  for (const auto& item : items) array.emplace_back(boost::json::string_view(item));
  return boost::json::serialize(array);
}

Result<std::vector<std::string>> decode_list(std::string_view json) {
  if (json == "[]") return std::vector<std::string>();
  // Lists are short: parse into a stack buffer instead of the heap.
  unsigned char buffer[1024];
  boost::json::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  auto value = boost::json::parse(boost::json::string_view(json.data(), json.size()), ec, &arena);
  if (ec || !value.is_array())
    return Error{Error::Code::internal, "stored list is not a JSON array"};
  std::vector<std::string> out;
  out.reserve(value.as_array().size());
  for (const auto& item : value.as_array()) {
    if (!item.is_string()) return Error{Error::Code::internal, "stored list holds a non-string"};
    out.emplace_back(item.as_string());
  }
  return out;
}

std::string encode_page_token(std::string_view last_client_id) {
  std::string out(kTokenPrefix);
  out.reserve(kTokenPrefix.size() + last_client_id.size() * 2);
  for (unsigned char c : last_client_id) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

Result<std::string> decode_page_token(std::string_view token) {
  if (!token.starts_with(kTokenPrefix) || token.size() % 2 != 1 ||
      token.size() > kTokenPrefix.size() + 2 * kMaxKeyBytes) {
    return invalid("page_token", "malformed");
  }
  std::string out;
  for (std::size_t i = kTokenPrefix.size(); i < token.size(); i += 2) {
    int hi = hex_value(token[i]);
    int lo = hex_value(token[i + 1]);
    if (hi < 0 || lo < 0) return invalid("page_token", "malformed");
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

bool valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  while (i < text.size()) {
    unsigned char c = s[i];
    std::size_t len;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > text.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

Result<void> check_text(std::string_view value, std::string_view field) {
  if (value.size() > kMaxTextBytes) return invalid(field, "too long");
  if (value.find('\0') != std::string_view::npos) return invalid(field, "contains a NUL byte");
  if (!valid_utf8(value)) return invalid(field, "is not valid UTF-8");
  return {};
}

Result<void> check_key(std::string_view value, std::string_view field) {
  if (value.empty()) return invalid(field, "is empty");
  if (value.size() > kMaxKeyBytes) return invalid(field, "longer than 255 bytes");
  return check_text(value, field);
}

namespace {
Result<void> check_list(const std::vector<std::string>& items, std::string_view field) {
  std::size_t total = 0;
  for (const auto& item : items) {
    total += item.size();
    if (auto r = check_text(item, field); !r) return r;
  }
  if (total > kMaxTextBytes) return invalid(field, "too long");
  return {};
}
}  // namespace

Result<void> check_client(const Client& c) {
  Result<void> checks[] = {
      check_key(c.client_id, "client_id"),
      check_text(c.client_name, "client_name"),
      check_text(c.client_secret_hash, "client_secret"),
      check_list(c.grant_types, "grant_types"),
      check_list(c.response_types, "response_types"),
      check_text(c.scope, "scope"),
      check_list(c.audience, "audience"),
      check_text(c.owner, "owner"),
      check_list(c.redirect_uris, "redirect_uris"),
      check_text(c.token_endpoint_auth_method, "token_endpoint_auth_method"),
      check_list(c.contacts, "contacts"),
      check_text(c.client_uri, "client_uri"),
      check_text(c.logo_uri, "logo_uri"),
      check_text(c.policy_uri, "policy_uri"),
      check_text(c.tos_uri, "tos_uri"),
      check_text(c.metadata, "metadata"),
  };
  for (auto& r : checks) {
    if (!r) return r;
  }
  return {};
}

Result<void> check_token(const AccessToken& t) {
  Result<void> checks[] = {
      check_key(t.signature, "signature"), check_key(t.client_id, "client_id"),
      check_text(t.subject, "subject"),    check_text(t.scope, "scope"),
      check_list(t.audience, "audience"),
  };
  for (auto& r : checks) {
    if (!r) return r;
  }
  return {};
}

}  // namespace argus::store::codec
