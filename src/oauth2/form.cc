#include "oauth2/form.h"

#include <algorithm>
#include <cctype>

#include "http/router.h"

namespace argus::oauth2 {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

const std::string* FormParams::get(std::string_view name) const noexcept {
  for (const auto& [k, v] : items)
    if (k == name) return &v;
  return nullptr;
}

std::size_t FormParams::count(std::string_view name) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(items.begin(), items.end(), [&](const auto& kv) { return kv.first == name; }));
}

std::string FormParams::first_duplicate(std::initializer_list<std::string_view> allowed) const {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), items[i].first) != allowed.end()) continue;
    for (std::size_t j = i + 1; j < items.size(); ++j)
      if (items[j].first == items[i].first) return items[i].first;
  }
  return {};
}

bool form_decode(std::string_view in, std::string& out) {
  return http::percent_decode(in, out, /*plus_is_space=*/true);
}

std::optional<FormParams> parse_urlencoded(std::string_view text) {
  FormParams params;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = std::min(text.find('&', pos), text.size());
    std::string_view pair = text.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string key, value;
    if (!form_decode(pair.substr(0, eq), key)) return std::nullopt;
    if (eq != std::string_view::npos && !form_decode(pair.substr(eq + 1), value))
      return std::nullopt;
    if (key.empty()) return std::nullopt;
    params.items.emplace_back(std::move(key), std::move(value));
    if (params.items.size() > 1000) return std::nullopt;
  }
  return params;
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::size_t pad = in.back() == '=' ? (in[in.size() - 2] == '=' ? 2 : 1) : 0;
  std::string out;
  for (std::size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    for (int k = 0; k < 4; ++k) {
      bool padding_slot = i + 4 == in.size() && k >= 4 - static_cast<int>(pad);
      v[k] = padding_slot ? 0 : value(in[i + k]);
      if (v[k] < 0 || (padding_slot && in[i + k] != '=')) return std::nullopt;
    }
    unsigned n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    out.push_back(static_cast<char>((n >> 8) & 0xff));
    out.push_back(static_cast<char>(n & 0xff));
  }
  out.resize(out.size() - pad);
  return out;
}

std::optional<BasicCredentials> parse_basic(std::string_view header_value) {
  if (header_value.size() < 6 || !iequal(header_value.substr(0, 6), "basic ")) return std::nullopt;
  std::string_view encoded = header_value.substr(6);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  auto decoded = base64_decode(encoded);
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  BasicCredentials c;
  if (!form_decode(std::string_view(*decoded).substr(0, colon), c.client_id) ||
      !form_decode(std::string_view(*decoded).substr(colon + 1), c.client_secret))
    return std::nullopt;
  return c;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  auto semi = content_type.find(';');
  std::string_view base = content_type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  while (!base.empty() && base.front() == ' ') base.remove_prefix(1);
  return iequal(base, type);
}

}  // namespace argus::oauth2
