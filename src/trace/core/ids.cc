// Ids come from wyrand (one state per thread, seeded by getrandom): a few nanoseconds
// each, uniformly random in every byte, and never all-zero.
#include "argus/trace/ids.h"

#include <pthread.h>
#include <sys/random.h>

#include <chrono>
#include <thread>

namespace argus::trace {
namespace {

// wyrand: one 64-bit state word and one 128-bit multiply per draw, with excellent statistical
// quality (passes BigCrush and PractRand). Constant-initialized, so the hot path has no
// thread_local guard; seeded from getrandom on first use.
class WyRand {
 public:
  std::uint64_t next() noexcept {
    if (__builtin_expect(!seeded_, 0)) seed();
    state_ += 0xa0761d6478bd642fULL;
    const unsigned __int128 t =
        static_cast<unsigned __int128>(state_) * (state_ ^ 0xe7037ed1a0b428dbULL);
    return static_cast<std::uint64_t>(t >> 64) ^ static_cast<std::uint64_t>(t);
  }

  // N draws with the state kept in a register.
  template <std::size_t N>
  void next_n(std::uint64_t (&out)[N]) noexcept {
    if (__builtin_expect(!seeded_, 0)) seed();
    std::uint64_t state = state_;
    for (auto& v : out) {
      state += 0xa0761d6478bd642fULL;
      const unsigned __int128 t =
          static_cast<unsigned __int128>(state) * (state ^ 0xe7037ed1a0b428dbULL);
      v = static_cast<std::uint64_t>(t >> 64) ^ static_cast<std::uint64_t>(t);
    }
    state_ = state;
  }

 private:
  void seed() noexcept {
    seeded_ = true;
    if (getrandom(&state_, sizeof(state_), 0) != static_cast<ssize_t>(sizeof(state_))) {
      // Only if the kernel refuses getrandom: mix time and thread identity.
      state_ = static_cast<std::uint64_t>(
                   std::chrono::high_resolution_clock::now().time_since_epoch().count()) ^
               (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1);
    }
  }

  std::uint64_t state_ = 0;
  bool seeded_ = false;
};

thread_local WyRand t_generator;

// A forked child must not repeat its parent's ids: reseed the (only) thread of the child.
void reseed_after_fork() noexcept { t_generator = WyRand(); }
[[maybe_unused]] const int kForkHandler = pthread_atfork(nullptr, nullptr, reseed_after_fork);

WyRand& generator() noexcept { return t_generator; }

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

TraceId TraceId::from_halves(std::uint64_t high, std::uint64_t low) noexcept {
  std::array<std::uint8_t, kSize> b{};
  store_be(high, b.data());
  store_be(low, b.data() + 8);
  return TraceId(b);
}

std::uint64_t TraceId::load_be(std::size_t offset) const noexcept {
  std::uint64_t v;
  std::memcpy(&v, bytes_.data() + offset, sizeof(v));
  return __builtin_bswap64(v);
}

void TraceId::to_hex(char* out) const noexcept { hex::encode(bytes_.data(), kSize, out); }

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

TraceId IdGenerator::new_trace_id() noexcept {
  auto& g = generator();
  std::uint64_t high = g.next();
  std::uint64_t low = g.next();
  while (high == 0 && low == 0) low = g.next();
  return TraceId::from_halves(high, low);
}

// All-zero ids are invalid; redrawing them is so rare that it lives out of line, which keeps
// the hot path free of register spills.
[[gnu::noinline, gnu::cold]] static std::uint64_t redraw_nonzero() noexcept {
  std::uint64_t v;
  do {
    v = generator().next();
  } while (v == 0);
  return v;
}

void IdGenerator::new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
  std::uint64_t v[3];
  generator().next_n(v);
  if (__builtin_expect(v[1] == 0, 0)) v[1] = redraw_nonzero();  // keeps the trace id non-zero
  if (__builtin_expect(v[2] == 0, 0)) v[2] = redraw_nonzero();
  trace_id = TraceId::from_halves(v[0], v[1]);
  span_id = SpanId(v[2]);
}

SpanId IdGenerator::new_span_id() noexcept {
  auto& g = generator();
  std::uint64_t v = g.next();
  while (v == 0) v = g.next();
  return SpanId(v);
}

}  // namespace argus::trace
