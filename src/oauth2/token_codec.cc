#include "oauth2/token_codec.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace argus::oauth2 {
using argus::trace::Error;
namespace {

constexpr std::string_view kPrefix = "ory_at_";
constexpr std::size_t kKeyBytes = 32;

std::string sign(const std::string& secret, std::string_view key) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
            reinterpret_cast<const unsigned char*>(key.data()), key.size(), mac, &len))
    return {};
  return base64url_encode(mac, len);
}

}  // namespace

std::string base64url_encode(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (size - i == 1) {
    unsigned v = data[i] << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (size - i == 2) {
    unsigned v = (data[i] << 16) | (data[i + 1] << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool random_base64url(std::size_t bytes, std::string& out) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) return false;
  out = base64url_encode(buf.data(), buf.size());
  OPENSSL_cleanse(buf.data(), buf.size());
  return true;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

argus::trace::Expected<TokenCodec> TokenCodec::create(std::vector<std::string> secrets) {
  if (secrets.empty()) return Error{Error::Code::invalid_config, "secrets.system is empty"};
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    if (secrets[i].size() < 16)
      return Error{Error::Code::invalid_config,
                   "secrets.system[" + std::to_string(i) + "] is shorter than 16 characters"};
  }
  return TokenCodec(std::move(secrets));
}

argus::trace::Expected<IssuedToken> TokenCodec::issue() const {
  std::string key;
  if (!random_base64url(kKeyBytes, key)) return Error{Error::Code::internal, "CSPRNG failure"};
  IssuedToken t;
  t.signature = sign(secrets_.front(), key);
  if (t.signature.empty()) return Error{Error::Code::internal, "HMAC failure"};
  t.token.reserve(kPrefix.size() + key.size() + 1 + t.signature.size());
  t.token.append(kPrefix).append(key).append(1, '.').append(t.signature);
  return t;
}

std::optional<std::string> TokenCodec::verify(std::string_view token) const {
  if (token.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  token.remove_prefix(kPrefix.size());
  auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view key = token.substr(0, dot), given = token.substr(dot + 1);
  bool match = false;
  // Every secret is tried, so timing does not reveal which one signed.
  for (const auto& secret : secrets_) match |= constant_time_equal(sign(secret, key), given);
  if (!match) return std::nullopt;
  return std::string(given);
}

}  // namespace argus::oauth2
