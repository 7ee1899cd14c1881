// The W3C Baggage header: parsing (invalid members dropped, limits enforced) and serialising.
#include <string>
#include <string_view>

#include "argus/trace/propagation.h"
#include "trace/propagation/baggage/codec.h"
#include "trace/propagation/common/text.h"

namespace argus::trace {

const BaggageEntry* Baggage::find(std::string_view key) const noexcept {
  for (const auto& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

namespace baggage {

namespace pd = propagation_detail;

namespace {

bool is_octets(std::string_view s) noexcept {
  for (char c : s) {
    if (!detail::is_baggage_octet(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// property = key OWS "=" OWS value / key OWS; empty properties (";;") are tolerated.
bool valid_properties(std::string_view metadata) noexcept {
  while (true) {
    const std::size_t semi = metadata.find(';');
    const std::string_view prop = pd::trim_ows(metadata.substr(0, semi));
    if (!prop.empty()) {
      const std::size_t eq = prop.find('=');
      if (!pd::is_token(pd::trim_ows(prop.substr(0, eq)))) return false;
      if (eq != std::string_view::npos && !is_octets(pd::trim_ows(prop.substr(eq + 1)))) {
        return false;
      }
    }
    if (semi == std::string_view::npos) return true;
    metadata.remove_prefix(semi + 1);
  }
}

// list-member = key OWS "=" OWS value *( OWS ";" OWS property )
bool parse_member(std::string_view member, BaggageEntry& entry) {
  const std::size_t semi = member.find(';');
  const std::string_view kv = member.substr(0, semi);
  const std::size_t eq = kv.find('=');
  if (eq == std::string_view::npos) return false;
  const std::string_view key = pd::trim_ows(kv.substr(0, eq));
  const std::string_view value = pd::trim_ows(kv.substr(eq + 1));
  if (!pd::is_token(key) || !is_octets(value)) return false;
  std::string_view metadata;
  if (semi != std::string_view::npos) {
    metadata = pd::trim_ows(member.substr(semi + 1));
    if (!valid_properties(metadata)) return false;
  }
  if (!detail::percent_decode(value, entry.value)) return false;
  entry.key.assign(key);
  entry.metadata.assign(metadata);
  return true;
}

std::size_t current_bytes(const Baggage& b) noexcept {
  std::size_t total = 0;
  for (const auto& e : b.entries) total += detail::entry_bytes(e);
  return total;
}

}  // namespace

void parse(std::span<const std::string_view> headers, Baggage& out) {
  std::size_t total = current_bytes(out);
  // At most kMaxEntries members are looked at: a list longer than the limit cannot be
  // propagated whole anyway, and this bounds the work a hostile header can cause.
  std::size_t seen = 0;
  for (std::string_view header : headers) {
    if (header.size() > kMaxHeaderValue) continue;
    while (seen < kMaxEntries) {
      const std::size_t comma = header.find(',');
      const std::string_view member = pd::trim_ows(header.substr(0, comma));
      BaggageEntry entry;
      if (!member.empty()) ++seen;
      if (!member.empty() && member.size() <= kMaxEntryBytes && parse_member(member, entry)) {
        detail::add_entry(out, std::move(entry), total);
      }
      if (comma == std::string_view::npos) break;
      header.remove_prefix(comma + 1);
    }
  }
}

std::string serialize(const Baggage& baggage) {
  std::string out;
  std::string member;
  std::size_t count = 0;
  for (const auto& e : baggage.entries) {
    if (!pd::is_token(e.key) || count == kMaxEntries) continue;
    if (!e.metadata.empty() && !valid_properties(e.metadata)) continue;
    member.assign(e.key).append("=");
    detail::percent_encode(e.value, detail::is_baggage_octet, member);
    if (!e.metadata.empty()) member.append(";").append(e.metadata);
    // A member is sent whole or not at all.
    const std::size_t needed = member.size() + (out.empty() ? 0 : 1);
    if (member.size() > kMaxEntryBytes || out.size() + needed > kMaxTotalBytes) continue;
    if (!out.empty()) out += ',';
    out += member;
    ++count;
  }
  return out;
}

}  // namespace baggage
}  // namespace argus::trace
