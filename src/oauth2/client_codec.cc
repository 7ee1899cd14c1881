#include "oauth2/client_codec.h"

#include <openssl/rand.h>

#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <set>

#include "oauth2/json_parse.h"

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
  json::value v = parse_json(body, ec);
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

namespace {

// JSON string escaping as Boost.JSON's serializer does it: quote, backslash and control
// characters; UTF-8 passes through.
void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_key(std::string& out, std::string_view key) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(key).append("\":");
}

void append_field(std::string& out, std::string_view key, std::string_view value) {
  append_key(out, key);
  append_string(out, value);
}

void append_field(std::string& out, std::string_view key, const std::vector<std::string>& values) {
  append_key(out, key);
  out.push_back('[');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out.push_back(',');
    append_string(out, values[i]);
  }
  out.push_back(']');
}

// RFC 3339 UTC ("2024-05-01T12:00:00Z") by arithmetic: gmtime_r takes glibc's time zone lock on
// every call. Days to civil date after H. Hinnant's days_from_civil inverse.
void append_time(std::string& out, std::string_view key, std::int64_t seconds) {
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t secs = seconds - days * 86400;
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) year = 0;  // unrepresentable in four digits; never stored
  char buf[] = "0000-00-00T00:00:00Z";
  auto put = [&buf](std::size_t at, std::int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      buf[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, secs / 3600, 2);
  put(14, secs / 60 % 60, 2);
  put(17, secs % 60, 2);
  append_field(out, key, std::string_view(buf, sizeof buf - 1));
}

// The stored metadata is JSON text; anything but an object shows as {}.
void append_metadata(std::string& out, const std::string& metadata) {
  append_key(out, "metadata");
  if (metadata == "{}") {
    out.append("{}");
    return;
  }
  boost::system::error_code ec;
  json::value meta = parse_json(metadata, ec);
  out.append(!ec && meta.is_object() ? json::serialize(meta) : std::string("{}"));
}

}  // namespace

void append_client_json(std::string& out, const Client& c,
                        const std::optional<std::string>& secret) {
  out.push_back('{');
  append_field(out, "client_id", c.client_id);
  append_field(out, "client_name", c.client_name);
  if (secret) append_field(out, "client_secret", *secret);
  append_field(out, "grant_types", c.grant_types);
  append_field(out, "response_types", c.response_types);
  append_field(out, "scope", c.scope);
  append_field(out, "audience", c.audience);
  append_field(out, "owner", c.owner);
  append_field(out, "redirect_uris", c.redirect_uris);
  append_field(out, "token_endpoint_auth_method", c.token_endpoint_auth_method);
  append_field(out, "contacts", c.contacts);
  append_field(out, "client_uri", c.client_uri);
  append_field(out, "logo_uri", c.logo_uri);
  append_field(out, "policy_uri", c.policy_uri);
  append_field(out, "tos_uri", c.tos_uri);
  append_metadata(out, c.metadata);
  append_time(out, "created_at", c.created_at);
  append_time(out, "updated_at", c.updated_at);
  append_key(out, "client_secret_expires_at");
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, c.client_secret_expires_at).ptr);
  out.push_back('}');
}

json::object client_to_json(const Client& c, const std::optional<std::string>& secret) {
  std::string text;
  append_client_json(text, c, secret);
  boost::system::error_code ec;
  json::value v = parse_json(text, ec);
  return !ec && v.is_object() ? std::move(v.as_object()) : json::object();
}

}  // namespace argus::oauth2
