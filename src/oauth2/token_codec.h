// Opaque access tokens signed with HMAC-SHA256 under the system secrets: a token is
// "ory_at_" + base64url(32 random bytes) + "." + base64url(HMAC(secret, key part)). The store
// keeps only the signature, so a leaked table yields nothing usable: the key part it would need
// is an HMAC preimage. The first secret signs; every secret verifies (rotation).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "argus/trace/expected.h"

namespace argus::oauth2 {

struct IssuedToken {
  std::string token;      // handed to the client once, never stored or logged
  std::string signature;  // the store's key
};

class TokenCodec {
 public:
  // Each secret must be at least 16 bytes; at least one is required.
  static argus::trace::Expected<TokenCodec> create(std::vector<std::string> secrets);
  argus::trace::Expected<IssuedToken> issue() const;
  // The token's signature if it is well-formed and signed by one of the secrets (constant-time).
  std::optional<std::string> verify(std::string_view token) const;

 private:
  explicit TokenCodec(std::vector<std::string> secrets) : secrets_(std::move(secrets)) {}
  std::vector<std::string> secrets_;
};

// base64url without padding (RFC 4648 §5).
std::string base64url_encode(const unsigned char* data, std::size_t size);
// Random bytes from OpenSSL's CSPRNG, base64url-encoded; false when the CSPRNG fails.
bool random_base64url(std::size_t bytes, std::string& out);
// Constant-time equality of two byte strings (length is not secret).
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace argus::oauth2
