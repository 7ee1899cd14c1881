// Health checks (on both ports) and RFC 8414 authorization server metadata.
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "oauth2/api.h"

namespace argus::oauth2 {
namespace json = boost::json;
using http::Request;
using http::Response;

void add_health_routes(http::Router& router, ApiContext& api) {
  using boost::beast::http::verb;
  router.add({verb::get, "/health/alive",
              [](Request&) {
                Response r;
                r.body = R"({"status":"ok"})";
                return r;
              },
              http::Execution::kInline});
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
  using boost::beast::http::verb;
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
  std::string body = json::serialize(o);
  router.add({verb::get, "/.well-known/oauth-authorization-server",
              [body](Request&) {
                Response r;
                r.body = body;
                return r;
              },
              http::Execution::kInline});
}

}  // namespace argus::oauth2
