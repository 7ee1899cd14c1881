#include "oauth2/client_codec.h"

#include <openssl/rand.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <set>

namespace argus::oauth2 {
namespace json = boost::json;
using argus::store::Client;
namespace {

ParseError field_error(std::string_view field, std::string_view what) {
  return {"invalid_client_metadata", "Field '" + std::string(field) + "' " + std::string(what)};
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

bool valid_scope_token(std::string_view t) {
  // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
  if (t.empty()) return false;
  for (unsigned char c : t)
    if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') return false;
  return true;
}

bool valid_scope(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    auto end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (!valid_scope_token(s.substr(pos, end - pos))) return false;
    pos = end + 1;
  }
  return s.empty() || s.back() != ' ';
}

bool valid_uri(std::string_view s) {
  auto r = boost::urls::parse_absolute_uri(s);
  return r.has_value() && !r->scheme().empty();
}

struct Reader {
  const json::object& o;
  std::optional<ParseError> error;

  const json::value* get(std::string_view key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return nullptr;
    return &it->value();
  }
  void str(std::string_view key, std::string& out, std::size_t max = 4096) {
    if (error) return;
    const json::value* v = get(key);
    if (!v) return;
    if (!v->is_string()) return void(error = field_error(key, "must be a string."));
    out.assign(v->get_string().data(), v->get_string().size());
    if (out.size() > max)
      error = field_error(key, "is too long.");
    else if (has_control(out))
      error = field_error(key, "contains control characters.");
  }
  void list(std::string_view key, std::vector<std::string>& out) {
    if (error) return;
    const json::value* v = get(key);
    if (!v) return;
    if (!v->is_array()) return void(error = field_error(key, "must be an array of strings."));
    if (v->get_array().size() > 256) return void(error = field_error(key, "has too many items."));
    out.clear();
    for (const auto& item : v->get_array()) {
      if (!item.is_string()) return void(error = field_error(key, "must be an array of strings."));
      std::string s(item.get_string().data(), item.get_string().size());
      if (s.empty() || s.size() > 2048 || has_control(s))
        return void(error = field_error(key, "contains an empty, over-long or invalid item."));
      out.push_back(std::move(s));
    }
  }
};

const std::set<std::string_view> kKnownFields = {"client_id",
                                                 "client_name",
                                                 "client_secret",
                                                 "grant_types",
                                                 "response_types",
                                                 "scope",
                                                 "audience",
                                                 "owner",
                                                 "redirect_uris",
                                                 "token_endpoint_auth_method",
                                                 "contacts",
                                                 "client_uri",
                                                 "logo_uri",
                                                 "policy_uri",
                                                 "tos_uri",
                                                 "metadata",
                                                 "created_at",
                                                 "updated_at",
                                                 "client_secret_expires_at"};
const std::set<std::string_view> kGrantTypes = {"client_credentials", "authorization_code",
                                                "refresh_token", "implicit",
                                                "urn:ietf:params:oauth:grant-type:jwt-bearer"};
const std::set<std::string_view> kResponseTypes = {"code", "token", "id_token", "none"};

std::optional<ParseError> check_semantics(const Client& c) {
  if (c.client_id.empty()) return field_error("client_id", "must not be empty.");
  for (const auto& g : c.grant_types)
    if (!kGrantTypes.count(g))
      return field_error("grant_types", "contains an unsupported grant type.");
  for (const auto& r : c.response_types) {
    // Hydra allows space-combined response types such as "code id_token".
    std::size_t pos = 0;
    while (pos <= r.size()) {
      auto end = std::min(r.find(' ', pos), r.size());
      if (!kResponseTypes.count(std::string_view(r).substr(pos, end - pos)))
        return field_error("response_types", "contains an unsupported response type.");
      pos = end + 1;
    }
  }
  if (!valid_scope(c.scope)) return field_error("scope", "must be space-separated scope tokens.");
  if (c.token_endpoint_auth_method != "client_secret_basic" &&
      c.token_endpoint_auth_method != "client_secret_post")
    return field_error("token_endpoint_auth_method",
                       "must be client_secret_basic or client_secret_post.");
  for (const auto& u : c.redirect_uris)
    if (!valid_uri(u)) return field_error("redirect_uris", "must contain absolute URIs.");
  const std::pair<const char*, const std::string*> uris[] = {{"client_uri", &c.client_uri},
                                                             {"logo_uri", &c.logo_uri},
                                                             {"policy_uri", &c.policy_uri},
                                                             {"tos_uri", &c.tos_uri}};
  for (const auto& [name, value] : uris)
    if (!value->empty() && !valid_uri(*value)) return field_error(name, "must be an absolute URI.");
  return std::nullopt;
}

}  // namespace

std::string new_client_id() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return {};
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

std::variant<ClientInput, ParseError> parse_client(std::string_view body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec)
    return ParseError{"invalid_request",
                      "The request body is not valid JSON (" + ec.message() + ")."};
  return client_from_json(v);
}

std::variant<ClientInput, ParseError> client_from_json(const json::value& value) {
  if (!value.is_object())
    return ParseError{"invalid_request", "The request body must be a JSON object."};
  const json::object& o = value.get_object();
  for (const auto& kv : o) {
    if (!kKnownFields.count(std::string_view(kv.key())))
      return field_error(std::string_view(kv.key()).substr(0, 64), "is not a known client field.");
  }
  ClientInput in;
  Client& c = in.client;
  Reader r{o, std::nullopt};
  in.has_client_id = r.get("client_id") != nullptr;
  r.str("client_id", c.client_id, 255);
  r.str("client_name", c.client_name);
  std::string secret;
  bool has_secret = r.get("client_secret") != nullptr;
  r.str("client_secret", secret, 1024);
  r.list("grant_types", c.grant_types);
  r.list("response_types", c.response_types);
  r.str("scope", c.scope);
  r.list("audience", c.audience);
  r.str("owner", c.owner, 255);
  r.list("redirect_uris", c.redirect_uris);
  r.str("token_endpoint_auth_method", c.token_endpoint_auth_method, 64);
  r.list("contacts", c.contacts);
  r.str("client_uri", c.client_uri);
  r.str("logo_uri", c.logo_uri);
  r.str("policy_uri", c.policy_uri);
  r.str("tos_uri", c.tos_uri);
  if (r.error) return *r.error;
  if (const json::value* m = r.get("metadata")) {
    if (!m->is_object()) return field_error("metadata", "must be a JSON object.");
    c.metadata = json::serialize(*m);
    if (c.metadata.size() > 64 * 1024) return field_error("metadata", "is too large.");
  }
  for (const char* ts : {"created_at", "updated_at"}) {
    const json::value* t = r.get(ts);
    if (t && !t->is_string() && !t->is_number()) return field_error(ts, "must be a timestamp.");
  }
  if (const json::value* e = r.get("client_secret_expires_at")) {
    if (!e->is_int64() && !e->is_uint64())
      return field_error("client_secret_expires_at", "must be an integer.");
    c.client_secret_expires_at = e->is_int64() ? e->get_int64() : static_cast<std::int64_t>(-1);
    if (c.client_secret_expires_at < 0)
      return field_error("client_secret_expires_at", "must be a non-negative integer.");
  }
  if (has_secret) {
    if (secret.size() < 6)
      return field_error("client_secret", "must be at least 6 characters long.");
    in.secret = std::move(secret);
  }
  if (c.grant_types.empty()) c.grant_types = {"authorization_code"};
  if (c.response_types.empty()) c.response_types = {"code"};
  if (c.token_endpoint_auth_method.empty()) c.token_endpoint_auth_method = "client_secret_basic";
  if (!in.has_client_id) c.client_id = "placeholder";  // replaced by the caller
  if (auto err = check_semantics(c)) return *err;
  return in;
}

json::object client_to_json(const Client& c, const std::optional<std::string>& secret) {
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
  };
  auto iso = [](std::int64_t unix) {
    std::time_t t = static_cast<std::time_t>(unix);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf);
  };
  json::object o;
  o["client_id"] = c.client_id;
  o["client_name"] = c.client_name;
  if (secret) o["client_secret"] = *secret;
  o["grant_types"] = arr(c.grant_types);
  o["response_types"] = arr(c.response_types);
  o["scope"] = c.scope;
  o["audience"] = arr(c.audience);
  o["owner"] = c.owner;
  o["redirect_uris"] = arr(c.redirect_uris);
  o["token_endpoint_auth_method"] = c.token_endpoint_auth_method;
  o["contacts"] = arr(c.contacts);
  o["client_uri"] = c.client_uri;
  o["logo_uri"] = c.logo_uri;
  o["policy_uri"] = c.policy_uri;
  o["tos_uri"] = c.tos_uri;
  boost::system::error_code ec;
  json::value meta = json::parse(c.metadata, ec);
  o["metadata"] = (!ec && meta.is_object()) ? meta : json::object();
  o["created_at"] = iso(c.created_at);
  o["updated_at"] = iso(c.updated_at);
  o["client_secret_expires_at"] = c.client_secret_expires_at;
  return o;
}

}  // namespace argus::oauth2
