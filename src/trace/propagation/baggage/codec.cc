// Percent-encoding and limit bookkeeping for baggage.
#include "trace/propagation/baggage/codec.h"

#include "trace/propagation/common/text.h"

namespace argus::trace::baggage::detail {

namespace pd = propagation_detail;

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = pd::hex_value_any_case(in[i + 1]);
    const int lo = pd::hex_value_any_case(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool is_baggage_octet(unsigned char c) noexcept {
  return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

void percent_encode(std::string_view in, bool (*keep)(unsigned char) noexcept, std::string& out) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  for (char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c != '%' && keep(c)) {
      out += ch;
    } else {
      out += '%';
      out += kUpperHex[c >> 4];
      out += kUpperHex[c & 0x0f];
    }
  }
}

std::size_t entry_bytes(const BaggageEntry& entry) noexcept {
  return entry.key.size() + entry.value.size() + entry.metadata.size() + 2;
}

bool add_entry(Baggage& baggage, BaggageEntry entry, std::size_t& total_bytes) {
  const std::size_t bytes = entry_bytes(entry);
  if (bytes > kMaxEntryBytes) return false;
  for (auto& existing : baggage.entries) {
    if (existing.key != entry.key) continue;
    const std::size_t old_bytes = entry_bytes(existing);
    if (total_bytes - old_bytes + bytes > kMaxTotalBytes) return false;
    total_bytes = total_bytes - old_bytes + bytes;
    existing = std::move(entry);
    return true;
  }
  if (baggage.entries.size() >= kMaxEntries || total_bytes + bytes > kMaxTotalBytes) return false;
  total_bytes += bytes;
  baggage.entries.push_back(std::move(entry));
  return true;
}

}  // namespace argus::trace::baggage::detail
