// Records the storage layer keeps: OAuth2 clients (Hydra's fields) and access-token records.
// These are plain values; the store never interprets them beyond validation (UTF-8, lengths),
// and never holds a secret in the clear: clients carry a bcrypt hash, tokens an HMAC signature.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace argus::store {

struct Client {
  std::string client_id;  // at most 255 bytes, UTF-8; compared and ordered bytewise
  std::string client_name;
  std::string client_secret_hash;  // bcrypt hash computed by the API layer; never the secret
  std::vector<std::string> grant_types;
  std::vector<std::string> response_types;
  std::string scope;  // space-separated, as in Hydra
  std::vector<std::string> audience;
  std::string owner;
  std::vector<std::string> redirect_uris;
  std::string token_endpoint_auth_method;  // e.g. "client_secret_basic"
  std::vector<std::string> contacts;
  std::string client_uri;
  std::string logo_uri;
  std::string policy_uri;
  std::string tos_uri;
  std::string metadata = "{}";                // JSON text, stored verbatim
  std::int64_t created_at = 0;                // unix seconds; 0 on create means "now"
  std::int64_t updated_at = 0;                // unix seconds; 0 on create/update means "now"
  std::int64_t client_secret_expires_at = 0;  // unix seconds, 0 = never

  bool operator==(const Client&) const = default;
};

// What is kept of an issued access token: enough to verify and introspect it, never the token.
struct AccessToken {
  std::string signature;  // HMAC of the token computed by the API layer (the primary key)
  std::string client_id;
  std::string subject;
  std::string scope;  // space-separated
  std::vector<std::string> audience;
  std::int64_t issued_at = 0;   // unix seconds
  std::int64_t expires_at = 0;  // unix seconds
  bool revoked = false;

  bool operator==(const AccessToken&) const = default;
};

struct ClientFilter {
  std::string client_name;  // exact match when not empty
  std::string owner;        // exact match when not empty
};

struct PageRequest {
  static constexpr std::size_t kDefaultSize = 250;
  static constexpr std::size_t kMaxSize = 500;
  std::size_t page_size = kDefaultSize;  // 0 means the default; larger than kMaxSize is clamped
  std::string page_token;                // opaque, from ClientPage::next_page_token; empty: first
};

struct ClientPage {
  std::vector<Client> clients;  // ordered by client_id (bytewise)
  std::string next_page_token;  // empty on the last page
};

enum class RevokeOutcome {
  kRevoked,   // revoked now, or already revoked (idempotent)
  kNotFound,  // no token with this signature
  kNotOwner,  // the token belongs to another client; nothing changed
};

}  // namespace argus::store
