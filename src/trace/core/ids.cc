// Ids come from wyrand (one state per thread, seeded by getrandom): a few nanoseconds
// each, uniformly random in every byte, and never all-zero.
#include "argus/trace/ids.h"

#include <pthread.h>
#include <sys/random.h>

#include <chrono>
#include <thread>

#include "trace/core/id_source.h"

namespace argus::trace {
namespace {

// A forked child must not repeat its parent's ids: reseed the (only) thread of the child.
void reseed_after_fork() noexcept {
  detail::t_id_generator.forget();
}
[[maybe_unused]] const int kForkHandler = pthread_atfork(nullptr, nullptr, reseed_after_fork);

constexpr char kHexDigits[] = "0123456789abcdef";

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void store_be(std::uint64_t v, std::uint8_t* out) noexcept {
  v = __builtin_bswap64(v);
  std::memcpy(out, &v, sizeof(v));
}

}  // namespace

namespace hex {
bool decode_lower(std::string_view in, std::uint8_t* out) noexcept {
  if (in.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < in.size(); i += 2) {
    int hi = hex_value(in[i]);
    int lo = hex_value(in[i + 1]);
    if ((hi | lo) < 0) return false;
    out[i / 2] = static_cast<std::uint8_t>((hi << 4) | lo);
  }
  return true;
}

void encode(const std::uint8_t* in, std::size_t n, char* out) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[in[i] >> 4];
    out[2 * i + 1] = kHexDigits[in[i] & 0xf];
  }
}
}  // namespace hex

void TraceId::to_hex(char* out) const noexcept {
  hex::encode(bytes_.data(), kSize, out);
}

std::string TraceId::to_hex() const {
  std::string s(2 * kSize, '0');
  to_hex(s.data());
  return s;
}

TraceId TraceId::from_hex(std::string_view text) noexcept {
  std::array<std::uint8_t, kSize> b{};
  if (text.size() == 2 * kSize) {
    if (!hex::decode_lower(text, b.data())) return {};
  } else if (text.size() == kSize) {
    if (!hex::decode_lower(text, b.data() + 8)) return {};
  } else {
    return {};
  }
  return TraceId(b);
}

std::array<std::uint8_t, SpanId::kSize> SpanId::bytes() const noexcept {
  std::array<std::uint8_t, kSize> b{};
  store_be(value_, b.data());
  return b;
}

void SpanId::to_hex(char* out) const noexcept {
  auto b = bytes();
  hex::encode(b.data(), kSize, out);
}

std::string SpanId::to_hex() const {
  std::string s(2 * kSize, '0');
  to_hex(s.data());
  return s;
}

SpanId SpanId::from_hex(std::string_view text) noexcept {
  std::uint8_t b[kSize];
  if (text.size() != 2 * kSize || !hex::decode_lower(text, b)) return {};
  std::uint64_t v = 0;
  for (auto byte : b) v = (v << 8) | byte;
  return SpanId(v);
}

namespace detail {

void WyRand::seed() noexcept {
  seeded_ = true;
  if (getrandom(&state_, sizeof(state_), 0) != static_cast<ssize_t>(sizeof(state_))) {
    // Only if the kernel refuses getrandom: mix time and thread identity.
    state_ = static_cast<std::uint64_t>(
                 std::chrono::high_resolution_clock::now().time_since_epoch().count()) ^
             (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1);
  }
}

std::uint64_t redraw_nonzero() noexcept {
  std::uint64_t v;
  do {
    v = t_id_generator.next();
  } while (v == 0);
  return v;
}

}  // namespace detail

TraceId IdGenerator::new_trace_id() noexcept {
  std::uint64_t v[2];
  detail::t_id_generator.next_n(v);
  if (v[0] == 0 && v[1] == 0) v[1] = detail::redraw_nonzero();
  return TraceId::from_halves(v[0], v[1]);
}

void IdGenerator::new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
  detail::new_root_ids(trace_id, span_id);
}

SpanId IdGenerator::new_span_id() noexcept {
  return detail::new_span_id();
}

}  // namespace argus::trace
