// The per-thread id generator, inline so the tracer draws ids without a call: wyrand, one
// 64-bit state word and one 128-bit multiply per draw, with excellent statistical quality
// (passes BigCrush and PractRand). Constant-initialized, so the hot path has no thread_local
// guard; seeded from getrandom on first use and again in a forked child (ids.cc).
#pragma once

#include <cstdint>

#include "argus/trace/ids.h"
#include "argus/trace/span_context.h"

namespace argus::trace::detail {

class WyRand {
 public:
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

  std::uint64_t next() noexcept {
    std::uint64_t v[1];
    next_n(v);
    return v[0];
  }

  // Forgets the state, so the next draw reseeds (after fork).
  void forget() noexcept { seeded_ = false; }

 private:
  [[gnu::cold, gnu::noinline]] void seed() noexcept;

  std::uint64_t state_ = 0;
  bool seeded_ = false;
};

inline thread_local WyRand t_id_generator;

// All-zero ids are invalid; redrawing is so rare that it lives out of line.
[[gnu::cold, gnu::noinline]] std::uint64_t redraw_nonzero() noexcept;

inline void new_root_ids(TraceId& trace_id, SpanId& span_id) noexcept {
  std::uint64_t v[3];
  t_id_generator.next_n(v);
  if (__builtin_expect(v[1] == 0, 0)) v[1] = redraw_nonzero();  // keeps the trace id non-zero
  if (__builtin_expect(v[2] == 0, 0)) v[2] = redraw_nonzero();
  trace_id = TraceId::from_halves(v[0], v[1]);
  span_id = SpanId(v[2]);
}

inline SpanId new_span_id() noexcept {
  std::uint64_t v = t_id_generator.next();
  if (__builtin_expect(v == 0, 0)) v = redraw_nonzero();
  return SpanId(v);
}

// A new span's identity, kept as words until it is written into the span: copying a 16-byte
// id just assembled on the stack from two 8-byte halves stalls on store forwarding (about
// 5 ns per span).
struct NewIds {
  const TraceId* inherited;  // the parent's trace id, or nullptr for a new trace
  std::uint64_t high, low;   // a new trace's id
  SpanId span_id;

  TraceId trace_id() const noexcept {
    return inherited ? *inherited : TraceId::from_halves(high, low);
  }
};

inline NewIds new_ids(const SpanContext* parent) noexcept {
  if (parent) return {&parent->trace_id, 0, 0, new_span_id()};
  std::uint64_t v[3];
  t_id_generator.next_n(v);
  if (__builtin_expect(v[1] == 0, 0)) v[1] = redraw_nonzero();  // keeps the trace id non-zero
  if (__builtin_expect(v[2] == 0, 0)) v[2] = redraw_nonzero();
  return {nullptr, v[0], v[1], SpanId(v[2])};
}

}  // namespace argus::trace::detail
