// The token endpoint (client_credentials), RFC 7009 revocation and RFC 7662 introspection.
// Clients authenticate by HTTP Basic or form fields as registered; an unknown client still costs
// one bcrypt comparison so response timing does not reveal which client ids exist.
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <variant>

#include "oauth2/api.h"
#include "oauth2/form.h"

namespace argus::oauth2 {
namespace json = boost::json;
using argus::store::Client;
using http::json_error;
using http::Request;
using http::Response;
namespace {

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto end = std::min(s.find(' ', pos), s.size());
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool contains(const std::vector<std::string_view>& v, std::string_view x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Response invalid_client(std::string_view description) {
  Response r = json_error(401, "invalid_client", description);
  r.with_header("WWW-Authenticate", "Basic realm=\"argus\", error=\"invalid_client\"");
  return r;
}

Response no_store(Response r) {
  r.with_header("Cache-Control", "no-store");
  r.with_header("Pragma", "no-cache");
  return r;
}

// Parses a form body, refusing other content types, malformed encodings and duplicates.
std::variant<FormParams, Response> read_form(const Request& req,
                                             std::initializer_list<std::string_view> multi = {}) {
  if (!media_type_is(req.header("Content-Type"), "application/x-www-form-urlencoded"))
    return json_error(400, "invalid_request",
                      "The Content-Type must be application/x-www-form-urlencoded.");
  auto form = parse_urlencoded(req.raw.body());
  if (!form) return json_error(400, "invalid_request", "The form body is malformed.");
  if (auto dup = form->first_duplicate(multi); !dup.empty())
    return json_error(400, "invalid_request", "Parameter '" + dup + "' is given more than once.");
  return std::move(*form);
}

struct Credentials {
  std::string client_id;
  std::string secret;
  std::string_view method;
};

std::variant<Credentials, Response> credentials(const Request& req, const FormParams& form) {
  std::string_view authorization = req.header("Authorization");
  const std::string* form_id = form.get("client_id");
  const std::string* form_secret = form.get("client_secret");
  if (!authorization.empty()) {
    auto basic = parse_basic(authorization);
    if (!basic)
      return invalid_client("The Authorization header is not valid HTTP Basic credentials.");
    if (form_secret)
      return json_error(400, "invalid_request", "Use only one client authentication method.");
    if (form_id && *form_id != basic->client_id)
      return json_error(400, "invalid_request", "'client_id' does not match the credentials.");
    return Credentials{std::move(basic->client_id), std::move(basic->client_secret),
                       "client_secret_basic"};
  }
  if (form_id && form_secret) return Credentials{*form_id, *form_secret, "client_secret_post"};
  return invalid_client("Client authentication is required.");
}

std::variant<Client, Response> authenticate(ApiContext& api, const Request& req,
                                            const FormParams& form) {
  auto creds = credentials(req, form);
  if (auto* r = std::get_if<Response>(&creds)) return std::move(*r);
  Credentials& c = std::get<Credentials>(creds);
  auto client = api.store->get_client(c.client_id, call_context(req));
  if (!client) {
    if (client.error().code != argus::store::Error::Code::not_found &&
        client.error().code != argus::store::Error::Code::invalid)
      return store_error(client.error());
    api.hasher.compare(api.dummy_hash, c.secret, req.span_context);
    return invalid_client("Client authentication failed.");
  }
  bool ok = api.hasher.compare(client->client_secret_hash, c.secret, req.span_context);
  if (!ok || client->token_endpoint_auth_method != c.method)
    return invalid_client("Client authentication failed.");
  if (client->client_secret_expires_at != 0 && client->client_secret_expires_at < store::unix_now())
    return invalid_client("The client secret has expired.");
  return std::move(*client);
}

Response token(ApiContext& api, Request& req) {
  auto parsed = read_form(req, {"audience"});
  if (auto* r = std::get_if<Response>(&parsed)) return no_store(std::move(*r));
  FormParams& form = std::get<FormParams>(parsed);
  const std::string* grant = form.get("grant_type");
  if (!grant) return no_store(json_error(400, "invalid_request", "'grant_type' is missing."));
  if (*grant != "client_credentials")
    return no_store(json_error(400, "unsupported_grant_type",
                               "Only the client_credentials grant is supported."));
  auto authed = authenticate(api, req, form);
  if (auto* r = std::get_if<Response>(&authed)) return no_store(std::move(*r));
  Client& client = std::get<Client>(authed);
  if (std::find(client.grant_types.begin(), client.grant_types.end(), "client_credentials") ==
      client.grant_types.end())
    return no_store(json_error(400, "unauthorized_client",
                               "The client may not use the client_credentials grant."));
  auto allowed_scopes = split_spaces(client.scope);
  const std::string* scope_param = form.get("scope");
  std::vector<std::string_view> scopes =
      split_spaces(scope_param ? std::string_view(*scope_param) : std::string_view());
  for (auto s : scopes)
    if (!contains(allowed_scopes, s))
      return no_store(json_error(400, "invalid_scope", "The client may not request this scope."));
  std::vector<std::string> audience;
  for (const auto& [k, v] : form.items) {
    if (k != "audience") continue;
    for (auto a : split_spaces(v)) {
      if (std::find(client.audience.begin(), client.audience.end(), a) == client.audience.end())
        return no_store(
            json_error(400, "invalid_request", "The client may not request this audience."));
      audience.emplace_back(a);
    }
  }
  auto issued = api.codec.issue();
  if (!issued) return no_store(json_error(500, "server_error", "The token could not be issued."));
  argus::store::AccessToken record;
  record.signature = issued->signature;
  record.client_id = client.client_id;
  record.subject = client.client_id;
  for (auto s : scopes) record.scope += (record.scope.empty() ? "" : " ") + std::string(s);
  record.audience = std::move(audience);
  record.issued_at = store::unix_now();
  record.expires_at = record.issued_at + api.token_ttl.count();
  auto stored = api.store->insert_token(record, call_context(req));
  if (!stored) return no_store(store_error(stored.error()));
  json::object o;
  o["access_token"] = issued->token;
  o["token_type"] = "bearer";
  o["expires_in"] = api.token_ttl.count();
  o["scope"] = record.scope;
  Response r;
  r.body = json::serialize(o);
  return no_store(std::move(r));
}

Response revoke(ApiContext& api, Request& req) {
  auto parsed = read_form(req);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  FormParams& form = std::get<FormParams>(parsed);
  auto authed = authenticate(api, req, form);
  if (auto* r = std::get_if<Response>(&authed)) return std::move(*r);
  const std::string* token_param = form.get("token");
  if (!token_param || token_param->empty())
    return json_error(400, "invalid_request", "'token' is missing.");
  Response ok;
  ok.body.clear();
  auto signature = api.codec.verify(*token_param);
  if (!signature) return ok;  // RFC 7009 §2.2: an invalid token is not an error
  auto outcome =
      api.store->revoke_token(*signature, std::get<Client>(authed).client_id, call_context(req));
  if (!outcome) return store_error(outcome.error());
  if (*outcome == argus::store::RevokeOutcome::kNotOwner)
    return json_error(400, "unauthorized_client", "The token was issued to another client.");
  return ok;
}

Response inactive() {
  Response r;
  r.body = R"({"active":false})";
  return r;
}

Response introspect(ApiContext& api, Request& req) {
  auto parsed = read_form(req);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  FormParams& form = std::get<FormParams>(parsed);
  const std::string* token_param = form.get("token");
  if (!token_param || token_param->empty())
    return json_error(400, "invalid_request", "'token' is missing.");
  auto signature = api.codec.verify(*token_param);
  if (!signature) return inactive();
  auto record = api.store->get_token(*signature, call_context(req));
  if (!record) {
    if (record.error().code == argus::store::Error::Code::not_found) return inactive();
    return store_error(record.error());
  }
  if (record->revoked || record->expires_at <= store::unix_now()) return inactive();
  if (const std::string* wanted = form.get("scope")) {
    auto granted = split_spaces(record->scope);
    for (auto s : split_spaces(*wanted))
      if (!contains(granted, s)) return inactive();
  }
  json::object o;
  o["active"] = true;
  o["client_id"] = record->client_id;
  o["sub"] = record->subject;
  o["scope"] = record->scope;
  json::array aud;
  for (const auto& a : record->audience) aud.emplace_back(a);
  o["aud"] = std::move(aud);
  o["exp"] = record->expires_at;
  o["iat"] = record->issued_at;
  o["iss"] = api.issuer;
  o["token_type"] = "Bearer";
  o["token_use"] = "access_token";
  Response r;
  r.body = json::serialize(o);
  return r;
}

// Hydra's deleteOAuth2Token: revokes every access token of one client at once, by deleting them.
Response delete_client_tokens(ApiContext& api, Request& req) {
  auto parsed = read_query(req);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const std::string* client_id = std::get<FormParams>(parsed).get("client_id");
  if (!client_id || client_id->empty())
    return json_error(400, "invalid_request", "'client_id' is missing.");
  auto deleted = api.store->delete_client_tokens(*client_id, call_context(req));
  if (!deleted) return store_error(deleted.error());
  Response r;
  r.status = 204;
  r.body.clear();
  return r;
}

}  // namespace

void add_token_routes(http::Router& router, ApiContext& api) {
  using boost::beast::http::verb;
  // Both authenticate the client with bcrypt.
  constexpr auto kHeavy = http::Execution::kCpuHeavy;
  router.add({verb::post, "/oauth2/token", [&api](Request& r) { return token(api, r); }, kHeavy});
  router.add({verb::post, "/oauth2/revoke", [&api](Request& r) { return revoke(api, r); }, kHeavy});
}

void add_token_admin_routes(http::Router& router, ApiContext& api) {
  using boost::beast::http::verb;
  router.add(
      {verb::post, "/admin/oauth2/introspect", [&api](Request& r) { return introspect(api, r); }});
  router.add({verb::post, "/oauth2/introspect", [&api](Request& r) { return introspect(api, r); }});
  router.add({verb::delete_, "/admin/oauth2/tokens",
              [&api](Request& r) { return delete_client_tokens(api, r); }});
}

}  // namespace argus::oauth2
