// bcrypt through Debian's libcrypt (libxcrypt, "$2b$"): hashing client secrets when a client is
// created or its secret changes, and comparing at the token and revocation endpoints. Each call
// is a child span (bcrypt.hash / bcrypt.compare) tagged with bcrypt.workfactor; neither the
// secret nor the hash is ever recorded. Calls are CPU-heavy: run them on the worker pool.
#pragma once

#include <string>
#include <string_view>

#include "argus/trace/expected.h"
#include "argus/trace/span_context.h"
#include "argus/trace/tracer.h"

namespace argus::oauth2 {

class BcryptHasher {
 public:
  static constexpr unsigned kMinCost = 4;
  static constexpr unsigned kMaxCost = 31;

  // `tracer` may be null (no spans); it must outlive the hasher.
  BcryptHasher(unsigned cost, argus::trace::Tracer* tracer) : cost_(cost), tracer_(tracer) {}
  unsigned cost() const noexcept { return cost_; }

  argus::trace::Expected<std::string> hash(std::string_view secret,
                                           const argus::trace::SpanContext& parent) const;
  // Constant-time comparison of the recomputed hash; false on any malformed input.
  bool compare(std::string_view hash, std::string_view secret,
               const argus::trace::SpanContext& parent) const;

 private:
  argus::trace::Span start(std::string_view name, const argus::trace::SpanContext& parent,
                           unsigned cost) const;
  unsigned cost_;
  argus::trace::Tracer* tracer_;
};

// The cost encoded in a "$2b$NN$..." hash, or 0 when it is not one.
unsigned bcrypt_cost_of(std::string_view hash) noexcept;

}  // namespace argus::oauth2
