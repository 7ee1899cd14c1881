// tracestate validation, normalisation and inject-side mutation (W3C Trace Context Level 2,
// section 3.3). Any invalid member discards the whole list, as the strict test suite expects.
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/common/text.h"

namespace argus::trace::w3c {

namespace pd = propagation_detail;

namespace {

constexpr std::size_t kMaxMembers = 32;

bool is_key_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '*' ||
         c == '/';
}

bool all_key_chars(std::string_view s) noexcept {
  for (char c : s) {
    if (!is_key_char(c)) return false;
  }
  return true;
}

bool is_lcalpha(char c) noexcept {
  return c >= 'a' && c <= 'z';
}

// nblk-chr: printable ASCII except ',' and '='.
bool is_nblk_chr(char c) noexcept {
  return c >= 0x21 && c <= 0x7e && c != ',' && c != '=';
}

struct Member {
  std::string_view key;
  std::string_view value;
};

// Splits `list` into members (skipping empty ones) and appends them to `members`; false when a
// member is invalid or there are too many.
bool split_members(std::string_view list, std::array<Member, kMaxMembers>& members,
                   std::size_t& count) noexcept {
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view raw = list.substr(0, comma);
    const std::string_view member = pd::trim_ows(raw);
    if (!member.empty()) {
      const std::size_t eq = member.find('=');
      if (eq == std::string_view::npos || count == kMaxMembers) return false;
      const Member m{member.substr(0, eq), member.substr(eq + 1)};
      if (!is_valid_tracestate_key(m.key) || !is_valid_tracestate_value(m.value)) return false;
      members[count++] = m;
    }
    if (comma == std::string_view::npos) return true;
    list.remove_prefix(comma + 1);
  }
}

bool has_duplicate_keys(const std::array<Member, kMaxMembers>& members, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = i + 1; j < count; ++j) {
      if (members[i].key == members[j].key) return true;
    }
  }
  return false;
}

}  // namespace

bool is_valid_tracestate_key(std::string_view key) noexcept {
  const std::size_t at = key.find('@');
  if (at == std::string_view::npos) {
    // simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
    return !key.empty() && key.size() <= 256 && is_lcalpha(key[0]) && all_key_chars(key);
  }
  // multi-tenant-key = tenant-id "@" system-id
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  return !tenant.empty() && tenant.size() <= 241 && tenant[0] != '_' && tenant[0] != '-' &&
         tenant[0] != '*' && tenant[0] != '/' && all_key_chars(tenant) && !system.empty() &&
         system.size() <= 14 && is_lcalpha(system[0]) && all_key_chars(system);
}

bool is_valid_tracestate_value(std::string_view value) noexcept {
  // value = 0*255(chr) nblk-chr; chr = %x20 / nblk-chr
  if (value.empty() || value.size() > 256 || !is_nblk_chr(value.back())) return false;
  for (char c : value) {
    if (c != ' ' && !is_nblk_chr(c)) return false;
  }
  return true;
}

std::optional<std::string> parse_tracestate(std::span<const std::string_view> headers) {
  std::array<Member, kMaxMembers> members{};
  std::size_t count = 0;
  std::size_t bytes = 0;
  for (std::string_view header : headers) {
    if (header.size() > kMaxHeaderValue) return std::nullopt;
    if (!split_members(header, members, count)) return std::nullopt;
  }
  if (has_duplicate_keys(members, count)) return std::nullopt;
  for (std::size_t i = 0; i < count; ++i) {
    bytes += members[i].key.size() + members[i].value.size() + 2;
  }
  std::string out;
  out.reserve(bytes);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ',';
    out.append(members[i].key).append("=").append(members[i].value);
  }
  return out;
}

Expected<std::string> tracestate_put(std::string_view tracestate, std::string_view key,
                                     std::string_view value) {
  if (!is_valid_tracestate_key(key) || !is_valid_tracestate_value(value)) {
    return Error{Error::Code::invalid_argument, "tracestate_put: invalid tracestate key or value"};
  }
  std::string out;
  out.reserve(tracestate.size() + key.size() + value.size() + 2);
  out.append(key).append("=").append(value);
  std::size_t kept = 1;
  while (!tracestate.empty() && kept < kMaxMembers) {
    const std::size_t comma = tracestate.find(',');
    const std::string_view member = tracestate.substr(0, comma);
    const std::size_t eq = member.find('=');
    if (!member.empty() && member.substr(0, eq) != key) {
      out.append(",").append(member);
      ++kept;
    }
    if (comma == std::string_view::npos) break;
    tracestate.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace argus::trace::w3c
