// Hydra's client management API: create, list (paginated, filtered), get, replace, JSON-Patch
// and delete. Secrets are hashed with bcrypt before anything is stored and are returned only in
// the response that set them.
#include <boost/json/value.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>

#include "oauth2/api.h"
#include "oauth2/client_codec.h"
#include "oauth2/form.h"
#include "oauth2/json_parse.h"
#include "oauth2/json_patch.h"

namespace argus::oauth2 {
namespace json = boost::json;
using http::json_error;
using http::Request;
using http::Response;
namespace {

constexpr std::size_t kGeneratedSecretBytes = 26;  // 35 base64url characters
constexpr std::size_t kClientJsonSize = 512;       // a typical client's JSON fits: one allocation

// RFC 3986 percent-encoding of a path segment or query value: everything but the unreserved
// characters.
std::string percent_encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

Response client_response(unsigned status, const argus::store::Client& client,
                         const std::optional<std::string>& secret = std::nullopt) {
  Response r;
  r.status = status;
  r.body.reserve(kClientJsonSize);
  append_client_json(r.body, client, secret);
  return r;
}

Response parse_error(const ParseError& e) {
  return json_error(400, e.error, e.description);
}

// JSON bodies: an explicit non-JSON Content-Type is refused; a missing one is read as JSON.
std::optional<Response> check_json_type(const Request& req, bool allow_patch = false) {
  std::string_view type = req.header("Content-Type");
  if (type.empty() || media_type_is(type, "application/json")) return std::nullopt;
  if (allow_patch && media_type_is(type, "application/json-patch+json")) return std::nullopt;
  return json_error(415, "invalid_request", "The Content-Type must be application/json.");
}

// Hashes a new secret (bcrypt.hash span under the request span).
std::optional<Response> hash_secret(ApiContext& api, const Request& req, const std::string& secret,
                                    argus::store::Client& client) {
  auto hashed = api.hasher.hash(secret, req.span_context);
  if (!hashed) return json_error(500, "server_error", "The secret could not be hashed.");
  client.client_secret_hash = std::move(*hashed);
  return std::nullopt;
}

Response create_client(ApiContext& api, std::string_view prefix, Request& req) {
  if (auto bad = check_json_type(req)) return *bad;
  auto parsed = parse_client(req.raw.body());
  if (auto* e = std::get_if<ParseError>(&parsed)) return parse_error(*e);
  ClientInput& in = std::get<ClientInput>(parsed);
  if (!in.has_client_id) in.client.client_id = new_client_id();
  if (!in.secret) {
    std::string generated;
    if (!random_base64url(kGeneratedSecretBytes, generated))
      return json_error(500, "server_error", "The secret could not be generated.");
    in.secret = std::move(generated);
  }
  in.client.created_at = in.client.updated_at = 0;
  if (auto bad = hash_secret(api, req, *in.secret, in.client)) return *bad;
  auto stored = api.store->create_client(in.client, call_context(req));
  if (!stored) return store_error(stored.error());
  Response r = client_response(201, *stored, in.secret);
  r.with_header("Location", std::string(prefix) + "/clients/" + percent_encode(stored->client_id));
  return r;
}

std::optional<std::size_t> parse_page_size(const std::string& s) {
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 1 || v > 500) return std::nullopt;
  return v;
}

Response list_clients(ApiContext& api, Request& req) {
  auto parsed = read_query(req);
  if (auto* r = std::get_if<Response>(&parsed)) return std::move(*r);
  const FormParams& query = std::get<FormParams>(parsed);
  argus::store::PageRequest page;
  if (const std::string* s = query.get("page_size")) {
    auto size = parse_page_size(*s);
    if (!size) return json_error(400, "invalid_request", "'page_size' must be between 1 and 500.");
    page.page_size = *size;
  }
  if (const std::string* t = query.get("page_token")) page.page_token = *t;
  argus::store::ClientFilter filter;
  if (const std::string* n = query.get("client_name")) filter.client_name = *n;
  if (const std::string* o = query.get("owner")) filter.owner = *o;
  auto result = api.store->list_clients(filter, page, call_context(req));
  if (!result) return store_error(result.error());
  Response r;
  r.body.reserve(2 + result->clients.size() * kClientJsonSize);
  r.body.push_back('[');
  for (const auto& c : result->clients) {
    if (r.body.size() > 1) r.body.push_back(',');
    append_client_json(r.body, c);
  }
  r.body.push_back(']');
  std::string base = std::string(req.path) + "?page_size=" + std::to_string(page.page_size);
  for (auto [key, value] :
       {std::pair{"client_name", &filter.client_name}, {"owner", &filter.owner}})
    if (!value->empty()) base += std::string("&") + key + "=" + percent_encode(*value);
  std::string link = "<" + base + ">; rel=\"first\"";
  if (!result->next_page_token.empty())
    link +=
        ",<" + base + "&page_token=" + percent_encode(result->next_page_token) + ">; rel=\"next\"";
  r.with_header("Link", link);
  return r;
}

Response get_client(ApiContext& api, Request& req) {
  auto c = api.store->get_client(req.param("id"), call_context(req));
  if (!c) return store_error(c.error());
  return client_response(200, *c);
}

// Stores `in` as the new version of `existing`, hashing a new secret or keeping the old hash.
Response replace_client(ApiContext& api, Request& req, ClientInput& in,
                        const argus::store::Client& existing) {
  in.client.client_id = existing.client_id;
  in.client.created_at = existing.created_at;
  in.client.updated_at = 0;
  if (in.secret) {
    if (auto bad = hash_secret(api, req, *in.secret, in.client)) return *bad;
  } else {
    in.client.client_secret_hash = existing.client_secret_hash;
  }
  auto stored = api.store->update_client(in.client, call_context(req));
  if (!stored) return store_error(stored.error());
  return client_response(200, *stored, in.secret);
}

Response put_client(ApiContext& api, Request& req) {
  if (auto bad = check_json_type(req)) return *bad;
  auto parsed = parse_client(req.raw.body());
  if (auto* e = std::get_if<ParseError>(&parsed)) return parse_error(*e);
  ClientInput& in = std::get<ClientInput>(parsed);
  std::string_view id = req.param("id");
  if (in.has_client_id && in.client.client_id != id)
    return json_error(400, "invalid_request", "Field 'client_id' does not match the path.");
  auto existing = api.store->get_client(id, call_context(req));
  if (!existing) return store_error(existing.error());
  return replace_client(api, req, in, *existing);
}

Response patch_client(ApiContext& api, Request& req) {
  if (auto bad = check_json_type(req, true)) return *bad;
  boost::system::error_code ec;
  json::value patch = parse_json(req.raw.body(), ec);
  if (ec) return json_error(400, "invalid_request", "The request body is not valid JSON.");
  auto existing = api.store->get_client(req.param("id"), call_context(req));
  if (!existing) return store_error(existing.error());
  json::value doc = client_to_json(*existing);
  if (auto err = apply_json_patch(doc, patch))
    return json_error(400, "invalid_request", "The JSON Patch cannot be applied: " + *err + ".");
  auto parsed = client_from_json(doc);
  if (auto* e = std::get_if<ParseError>(&parsed)) return parse_error(*e);
  ClientInput& in = std::get<ClientInput>(parsed);
  if (!in.has_client_id || in.client.client_id != existing->client_id)
    return json_error(400, "invalid_request", "Field 'client_id' cannot be changed.");
  return replace_client(api, req, in, *existing);
}

Response delete_client(ApiContext& api, Request& req) {
  auto done = api.store->delete_client(req.param("id"), call_context(req));
  if (!done) return store_error(done.error());
  Response r;
  r.status = 204;
  return r;
}

}  // namespace

void add_client_routes(http::Router& router, ApiContext& api, std::string_view prefix) {
  using boost::beast::http::verb;
  std::string collection = std::string(prefix) + "/clients";
  std::string item = collection + "/{id}";
  std::string p(prefix);
  // Creating a client or setting its secret hashes it with bcrypt.
  constexpr auto kHeavy = http::Execution::kCpuHeavy;
  router.add(
      {verb::post, collection, [&api, p](Request& r) { return create_client(api, p, r); }, kHeavy});
  router.add({verb::get, collection, [&api](Request& r) { return list_clients(api, r); }});
  router.add({verb::get, item, [&api](Request& r) { return get_client(api, r); }});
  router.add({verb::put, item, [&api](Request& r) { return put_client(api, r); }, kHeavy});
  router.add({verb::patch, item, [&api](Request& r) { return patch_client(api, r); }, kHeavy});
  router.add({verb::delete_, item, [&api](Request& r) { return delete_client(api, r); }});
}

}  // namespace argus::oauth2
