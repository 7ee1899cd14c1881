// Percent-encoding shared by the W3C baggage header and Jaeger's uberctx- headers.
#pragma once

#include <string>
#include <string_view>

#include "argus/trace/propagation.h"

namespace argus::trace::baggage::detail {

// Decodes %XX (either case) into `out`; false on a truncated or non-hex escape.
bool percent_decode(std::string_view in, std::string& out);
// W3C baggage-octet: printable ASCII except '"', ',', ';', '\\'.
bool is_baggage_octet(unsigned char c) noexcept;
// Appends `in`, escaping every byte for which keep(byte) is false (and '%') as %XX.
void percent_encode(std::string_view in, bool (*keep)(unsigned char) noexcept, std::string& out);
// Adds or replaces (same key) an entry, enforcing the entry-count and total-size limits;
// false when it did not fit.
bool add_entry(Baggage& baggage, BaggageEntry entry, std::size_t& total_bytes);
std::size_t entry_bytes(const BaggageEntry& entry) noexcept;

}  // namespace argus::trace::baggage::detail
