// The OAuth2 service's HTTP handlers (Hydra-compatible admin and public APIs) and what they
// share. Handlers run on the worker pool: they call the store and bcrypt synchronously, passing
// the request span's context explicitly so SQL and bcrypt spans nest under it.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "http/message.h"
#include "http/router.h"
#include "oauth2/bcrypt.h"
#include "oauth2/form.h"
#include "oauth2/token_codec.h"
#include "store/store.h"

namespace argus::oauth2 {

struct ApiContext {
  argus::store::Store* store;
  BcryptHasher hasher;
  TokenCodec codec;
  std::chrono::seconds token_ttl;
  std::string issuer;      // ends with '/'
  std::string dummy_hash;  // compared against when a client does not exist (equal timing)
};

// The store call context for a request: its span is the parent of the SQL spans.
argus::store::CallContext call_context(const http::Request& request);
// Maps a store failure to an HTTP error (404, 409, 400, 503, 500).
http::Response store_error(const argus::store::Error& error);
// The request's query parameters, or a 400 for a malformed or duplicated one.
std::variant<FormParams, http::Response> read_query(const http::Request& request);

// /admin/clients... and the legacy /clients... paths.
void add_client_routes(http::Router& router, ApiContext& api, std::string_view prefix);
// POST /oauth2/token and /oauth2/revoke (public).
void add_token_routes(http::Router& router, ApiContext& api);
// POST /admin/oauth2/introspect (and legacy /oauth2/introspect), and
// DELETE /admin/oauth2/tokens?client_id=... (every access token of one client).
void add_token_admin_routes(http::Router& router, ApiContext& api);
// GET /health/alive, /health/ready.
void add_health_routes(http::Router& router, ApiContext& api);
// GET /.well-known/oauth-authorization-server.
void add_metadata_routes(http::Router& router, ApiContext& api);
// GET /version (admin), as Hydra's metadata API: {"version": "..."}.
void add_version_route(http::Router& router);

}  // namespace argus::oauth2
