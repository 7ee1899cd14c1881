#include "oauth2/bcrypt.h"

#include <crypt.h>
#include <openssl/crypto.h>

#include <memory>

namespace argus::oauth2 {
namespace trace = argus::trace;
namespace {

// crypt_data is ~32 KiB: one per worker thread, allocated once.
crypt_data& thread_crypt_data() {
  thread_local std::unique_ptr<crypt_data> data = std::make_unique<crypt_data>();
  return *data;
}

// bcrypt reads a C string: a NUL inside the secret would silently shorten it.
bool has_nul(std::string_view s) {
  return s.find('\0') != std::string_view::npos;
}

}  // namespace

unsigned bcrypt_cost_of(std::string_view hash) noexcept {
  if (hash.size() < 7 || hash.substr(0, 4) != "$2b$" || hash[6] != '$') return 0;
  char a = hash[4], b = hash[5];
  if (a < '0' || a > '9' || b < '0' || b > '9') return 0;
  return static_cast<unsigned>((a - '0') * 10 + (b - '0'));
}

trace::Span BcryptHasher::start(std::string_view name, const trace::SpanContext& parent,
                                unsigned cost) const {
  if (!tracer_) return {};
  trace::KeyValue attrs[] = {{"bcrypt.workfactor", static_cast<std::int64_t>(cost)}};
  trace::StartSpanOptions options;
  options.parent = parent.is_valid() ? &parent : nullptr;
  options.attributes = attrs;
  return tracer_->start_span(name, options);
}

trace::Expected<std::string> BcryptHasher::hash(std::string_view secret,
                                                const trace::SpanContext& parent) const {
  using trace::Error;
  if (has_nul(secret)) return Error{Error::Code::invalid_argument, "secret contains a NUL byte"};
  auto span = start("bcrypt.hash", parent, cost_);
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  // A null random-bytes argument makes libxcrypt draw the salt from the OS's CSPRNG.
  if (!crypt_gensalt_rn("$2b$", cost_, nullptr, 0, salt, sizeof salt)) {
    span.set_status(trace::StatusCode::kError, "crypt_gensalt_rn failed");
    return Error{Error::Code::internal, "cannot generate a bcrypt salt"};
  }
  std::string input(secret);
  crypt_data& data = thread_crypt_data();
  const char* out = crypt_r(input.c_str(), salt, &data);
  OPENSSL_cleanse(input.data(), input.size());
  if (!out || out[0] == '*') {
    span.set_status(trace::StatusCode::kError, "crypt_r failed");
    return Error{Error::Code::internal, "bcrypt hashing failed"};
  }
  std::string result(out);
  OPENSSL_cleanse(data.output, sizeof data.output);
  return result;
}

bool BcryptHasher::compare(std::string_view hash, std::string_view secret,
                           const trace::SpanContext& parent) const {
  unsigned cost = bcrypt_cost_of(hash);
  auto span = start("bcrypt.compare", parent, cost);
  if (cost < kMinCost || cost > kMaxCost || has_nul(secret) || has_nul(hash)) return false;
  std::string input(secret), setting(hash);
  crypt_data& data = thread_crypt_data();
  const char* out = crypt_r(input.c_str(), setting.c_str(), &data);
  OPENSSL_cleanse(input.data(), input.size());
  if (!out || out[0] == '*') return false;
  std::string_view computed(out);
  bool equal = computed.size() == hash.size() &&
               CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
  OPENSSL_cleanse(data.output, sizeof data.output);
  return equal;
}

}  // namespace argus::oauth2
