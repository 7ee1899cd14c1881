// JSON text helpers; see json_text.h.
#include "trace/export/http/json_text.h"

#include <charconv>
#include <cmath>

namespace argus::trace::exporting::json {

namespace {
constexpr char kHex[] = "0123456789abcdef";

// 0: copy as is; otherwise the escape letter, or 'u' for \u00XX.
constexpr auto kEscape = [] {
  struct Table {
    char v[256]{};
  } t;
  for (int c = 0; c < 0x20; ++c) t.v[c] = 'u';
  auto set = [&t](unsigned char c, char escape) { t.v[c] = escape; };
  set('\b', 'b');
  set('\f', 'f');
  set('\n', 'n');
  set('\r', 'r');
  set('\t', 't');
  set('"', '"');
  set('\\', '\\');
  return t;
}();
}  // namespace

void string(ByteBuffer& out, std::string_view s) {
  // Worst case every byte becomes \u00XX (6 bytes), plus the quotes.
  char* p = out.grow(s.size() * 6 + 2);
  char* begin = p;
  *p++ = '"';
  for (unsigned char c : s) {
    char e = kEscape.v[c];
    if (e == 0) {
      *p++ = static_cast<char>(c);
    } else if (e != 'u') {
      *p++ = '\\';
      *p++ = e;
    } else {
      std::memcpy(p, "\\u00", 4);
      p[4] = kHex[c >> 4];
      p[5] = kHex[c & 15];
      p += 6;
    }
  }
  *p++ = '"';
  out.resize(out.size() - (s.size() * 6 + 2) + static_cast<std::size_t>(p - begin));
}

void int64(ByteBuffer& out, std::int64_t v) {
  char* p = out.grow(24);
  auto r = std::to_chars(p, p + 24, v);
  out.resize(out.size() - 24 + static_cast<std::size_t>(r.ptr - p));
}

void uint64(ByteBuffer& out, std::uint64_t v) {
  char* p = out.grow(24);
  auto r = std::to_chars(p, p + 24, v);
  out.resize(out.size() - 24 + static_cast<std::size_t>(r.ptr - p));
}

void number(ByteBuffer& out, double v, bool special_as_strings) {
  if (!std::isfinite(v)) {
    if (!special_as_strings) return out.append("null");
    if (std::isnan(v)) return out.append("\"NaN\"");
    return out.append(v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  }
  char* p = out.grow(32);
  auto r = std::to_chars(p, p + 32, v);
  out.resize(out.size() - 32 + static_cast<std::size_t>(r.ptr - p));
}

void hex_string(ByteBuffer& out, const std::uint8_t* bytes, std::size_t n) {
  char* p = out.grow(n * 2 + 2);
  *p++ = '"';
  for (std::size_t i = 0; i < n; ++i) {
    *p++ = kHex[bytes[i] >> 4];
    *p++ = kHex[bytes[i] & 15];
  }
  *p = '"';
}

}  // namespace argus::trace::exporting::json
