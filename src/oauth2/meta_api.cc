// Health checks (on both ports), the version (admin) and RFC 8414 authorization server metadata.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "oauth2/api.h"

namespace argus::oauth2 {
namespace json = boost::json;
using http::Request;
using http::Response;

namespace {
// A GET route whose answer never changes: 200 and `body`, answered on the I/O thread.
void add_fixed_json(http::Router& router, std::string path, std::string body) {
  router.add({boost::beast::http::verb::get, std::move(path),
              [body = std::move(body)](Request&) {
                Response r;
                r.body = body;
                return r;
              },
              http::Execution::kInline});
}
}  // namespace

void add_health_routes(http::Router& router, ApiContext& api) {
  using boost::beast::http::verb;
  add_fixed_json(router, "/health/alive", R"({"status":"ok"})");
  router.add({verb::get, "/health/ready", [&api](Request& req) {
                auto ok = api.store->ping(call_context(req));
                Response r;
                if (ok) {
                  r.body = R"({"status":"ok"})";
                } else {
                  r.status = 503;
                  r.body = R"({"errors":{"database":"the database is not reachable"}})";
                }
                return r;
              }});
}

void add_metadata_routes(http::Router& router, ApiContext& api) {
  json::object o;
  o["issuer"] = api.issuer;
  o["token_endpoint"] = api.issuer + "oauth2/token";
  o["revocation_endpoint"] = api.issuer + "oauth2/revoke";
  o["grant_types_supported"] = json::array{"client_credentials"};
  o["response_types_supported"] = json::array{};
  o["token_endpoint_auth_methods_supported"] =
      json::array{"client_secret_basic", "client_secret_post"};
  o["revocation_endpoint_auth_methods_supported"] =
      json::array{"client_secret_basic", "client_secret_post"};
  add_fixed_json(router, "/.well-known/oauth-authorization-server", json::serialize(o));
}

void add_version_route(http::Router& router) {
#ifdef ARGUS_VERSION
  add_fixed_json(router, "/version", json::serialize(json::object{{"version", ARGUS_VERSION}}));
#else
  add_fixed_json(router, "/version", R"({"version":"0.0.0"})");
#endif
}

}  // namespace argus::oauth2
