// Fuzzes the form decoders: the input is both an application/x-www-form-urlencoded body (and
// query string) and the value of an `Authorization: Basic` header. Whatever is accepted must be
// valid UTF-8 without NUL bytes, since it reaches SQL parameters and JSON.
#include <string>
#include <string_view>

#include "fuzz/fuzz_common.h"
#include "oauth2/form.h"

namespace {

// Written here rather than calling store::valid_utf8: the oracle must not share the code it
// checks.
bool clean_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace argus::oauth2;
  using argus::fuzz::check;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto form = parse_urlencoded(in)) {
    for (const auto& [name, value] : form->items) {
      check(clean_utf8(name) && clean_utf8(value), "decoded form fields are clean UTF-8");
      check(form->get(name) != nullptr && form->count(name) >= 1, "a parsed name is found");
    }
    const std::string dup = form->first_duplicate();
    check(dup.empty() || form->count(dup) >= 2, "a duplicate occurs twice");
  }
  if (auto credentials = parse_basic(in)) {
    check(clean_utf8(credentials->client_id) && clean_utf8(credentials->client_secret),
          "Basic credentials are clean UTF-8");
  }
  if (auto decoded = base64_decode(in)) {
    check(decoded->size() * 4 <= in.size() * 3, "base64 shrinks");
  }
  return 0;
}
