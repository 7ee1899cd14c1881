// Fuzzes the W3C baggage header: every line is one "baggage" header. Checks the limits and
// that serialising and parsing again keeps a subset of the same entries.
#include <string>

#include "fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::trace;
  using argus::fuzz::check;
  const auto lines = argus::fuzz::split_lines(data, size);
  Baggage parsed;
  baggage::parse(lines, parsed);
  check(parsed.entries.size() <= baggage::kMaxEntries, "entry limit");
  std::size_t total = 0;
  for (const auto& e : parsed.entries) {
    check(!e.key.empty(), "non-empty key");
    check(parsed.find(e.key) == &e, "keys unique");
    total += e.key.size() + e.value.size() + e.metadata.size() + 2;
  }
  check(total <= baggage::kMaxTotalBytes, "size limit");
  const std::string wire = baggage::serialize(parsed);
  check(wire.size() <= baggage::kMaxTotalBytes, "serialised size limit");
  Baggage again;
  const std::string_view w = wire;
  baggage::parse({&w, 1}, again);
  for (const auto& e : again.entries) {
    const BaggageEntry* orig = parsed.find(e.key);
    check(orig != nullptr && orig->value == e.value && orig->metadata == e.metadata,
          "round trip keeps entries unchanged");
  }
  return 0;
}
