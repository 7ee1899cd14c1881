// The admin and public APIs end to end over real sockets: the client lifecycle, the token,
// introspection and revocation flows, and every bad-input case from the issue (each a 4xx with
// a JSON error, never a 5xx, nothing partially written). Every secret and token used is
// registered, and each test's exported spans and logs are scanned for them.
#include <gtest/gtest.h>

#include "service/api_helpers.h"

namespace argus::service_test {
namespace {
namespace json = boost::json;
using boost::beast::http::verb;

bool is_json_error(const HttpResult& r) {
  auto v = r.json();
  return v.is_object() && v.as_object().contains("error") &&
         v.as_object().contains("error_description");
}

std::string error_of(const HttpResult& r) {
  auto v = r.json();
  return v.is_object() && v.as_object().contains("error")
             ? std::string(v.as_object().at("error").as_string())
             : "";
}

// The Location header is a usable path: an id with reserved characters is percent-encoded, and
// following it reaches the client.
TEST(ClientsApi, LocationPercentEncodesTheId) {
  START_HARNESS(h);
  const std::string id = "team a/b?c&d=é";
  auto r =
      post_json(h->admin_port(), "/admin/clients",
                json::object{{"client_id", id}, {"client_secret", "location-secret-0123456789"}});
  remember_secret("location-secret-0123456789");
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.header("Location"), "/admin/clients/team%20a%2Fb%3Fc%26d%3D%C3%A9");
  auto got = http_request(h->admin_port(), verb::get, r.header("Location"));
  ASSERT_EQ(got.status, 200u) << got.body;
  EXPECT_EQ(got.json().at("client_id").as_string(), id);
}

TEST(ClientsApi, CreateGeneratesASecretReturnedOnlyOnce) {
  START_HARNESS(h);
  auto r = post_json(h->admin_port(), "/admin/clients",
                     json::object{{"client_name", "generated"}, {"owner", "o1"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  auto body = r.json().as_object();
  std::string id(body.at("client_id").as_string());
  std::string secret(body.at("client_secret").as_string());
  remember_secret(secret);
  EXPECT_GE(secret.size(), 26u);
  EXPECT_EQ(r.header("Location"), "/admin/clients/" + id);
  EXPECT_EQ(body.at("token_endpoint_auth_method").as_string(), "client_secret_basic");
  auto got = http_request(h->admin_port(), verb::get, "/admin/clients/" + id);
  ASSERT_EQ(got.status, 200u);
  EXPECT_FALSE(got.json().as_object().contains("client_secret"));
  EXPECT_EQ(got.json().at("client_name").as_string(), "generated");
  EXPECT_EQ(got.body.find(secret), std::string::npos);
}

TEST(ClientsApi, LifecycleGetPutPatchDelete) {
  START_HARNESS(h);
  TestClient c = make_client(
      *h,
      {{"client_name", "before"}, {"scope", "read"}, {"metadata", json::object{{"team", "a"}}}});
  std::string path = "/admin/clients/" + c.id;
  auto got = http_request(h->admin_port(), verb::get, path);
  ASSERT_EQ(got.status, 200u);
  EXPECT_EQ(got.json().at("metadata").at("team").as_string(), "a");

  // PUT without a secret keeps the old one: the token endpoint still accepts it.
  json::object put = got.json().as_object();
  put["client_name"] = "after-put";
  auto r = http_request(h->admin_port(), verb::put, path, json::serialize(put),
                        {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("client_name").as_string(), "after-put");
  EXPECT_FALSE(get_token(*h, c).empty());

  std::string patch = R"([{"op":"replace","path":"/client_name","value":"patched"},
                          {"op":"add","path":"/contacts/-","value":"ops@example.com"},
                          {"op":"test","path":"/scope","value":"read"}])";
  r = http_request(h->admin_port(), verb::patch, path, patch,
                   {{"Content-Type", "application/json-patch+json"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json().at("client_name").as_string(), "patched");
  EXPECT_EQ(r.json().at("contacts").as_array().size(), 1u);
  // A failing test op changes nothing.
  r = http_request(h->admin_port(), verb::patch, path,
                   R"([{"op":"replace","path":"/client_name","value":"x"},
                       {"op":"test","path":"/scope","value":"nope"}])",
                   {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, path).json().at("client_name").as_string(),
            "patched");
  // Changing the id by patch is refused.
  r = http_request(h->admin_port(), verb::patch, path,
                   R"([{"op":"replace","path":"/client_id","value":"other"}])",
                   {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400u);

  // PUT with a new secret replaces it.
  std::string new_secret = "rotated-" + c.id;
  remember_secret(new_secret);
  put["client_secret"] = new_secret;
  r = http_request(h->admin_port(), verb::put, path, json::serialize(put),
                   {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200u);
  c.secret = new_secret;
  EXPECT_FALSE(get_token(*h, c).empty());

  EXPECT_EQ(http_request(h->admin_port(), verb::delete_, path).status, 204u);
  EXPECT_EQ(http_request(h->admin_port(), verb::get, path).status, 404u);
  EXPECT_EQ(http_request(h->admin_port(), verb::delete_, path).status, 404u);
  EXPECT_EQ(http_request(h->admin_port(), verb::put, path, json::serialize(put),
                         {{"Content-Type", "application/json"}})
                .status,
            404u);
}

TEST(ClientsApi, ListPaginatesAndFilters) {
  START_HARNESS(h);
  std::string owner = unique_id("owner");
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto r = post_json(h->admin_port(), "/admin/clients",
                       json::object{{"owner", owner}, {"client_name", i == 0 ? "first" : "other"}});
    ASSERT_EQ(r.status, 201u);
    remember_secret(std::string(r.json().at("client_secret").as_string()));
    ids.insert(std::string(r.json().at("client_id").as_string()));
  }
  std::set<std::string> seen;
  std::string target = "/admin/clients?page_size=2&owner=" + form_encode(owner);
  for (int page = 0; page < 5 && !target.empty(); ++page) {
    auto r = http_request(h->admin_port(), verb::get, target);
    ASSERT_EQ(r.status, 200u) << r.body;
    auto page_json = r.json();
    for (auto& c : page_json.as_array()) {
      EXPECT_EQ(c.at("owner").as_string(), owner);
      EXPECT_FALSE(c.as_object().contains("client_secret"));
      seen.insert(std::string(c.at("client_id").as_string()));
    }
    std::string link = r.header("Link");
    auto next = link.find(">; rel=\"next\"");
    target.clear();
    if (next != std::string::npos) {
      auto open = link.rfind('<', next);
      target = link.substr(open + 1, next - open - 1);
    }
  }
  EXPECT_EQ(seen, ids);
  auto named = http_request(h->admin_port(), verb::get,
                            "/admin/clients?client_name=first&owner=" + form_encode(owner));
  ASSERT_EQ(named.status, 200u);
  EXPECT_EQ(named.json().as_array().size(), 1u);
  // Legacy v1 path.
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/clients?owner=" + form_encode(owner)).status,
            200u);
}

TEST(TokenApi, ClientCredentialsIntrospectAndRevoke) {
  START_HARNESS(h);
  TestClient c =
      make_client(*h, {{"scope", "read write"}, {"audience", json::array{"https://api"}}});
  std::string token = get_token(*h, c, "&scope=read&audience=https%3A%2F%2Fapi");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(token.rfind("ory_at_", 0), 0u);
  auto info = introspect(*h, token);
  EXPECT_TRUE(info.at("active").as_bool());
  EXPECT_EQ(info.at("client_id").as_string(), c.id);
  EXPECT_EQ(info.at("sub").as_string(), c.id);
  EXPECT_EQ(info.at("scope").as_string(), "read");
  EXPECT_EQ(info.at("aud").as_array().at(0).as_string(), "https://api");
  EXPECT_EQ(info.at("token_type").as_string(), "Bearer");
  EXPECT_EQ(info.at("token_use").as_string(), "access_token");
  EXPECT_EQ(info.at("exp").as_int64() - info.at("iat").as_int64(), 3600);
  EXPECT_EQ(info.at("iss").as_string(), "http://localhost:4444/");
  EXPECT_FALSE(introspect(*h, token, "&scope=write").at("active").as_bool());

  // Another client may not revoke it.
  TestClient other = make_client(*h);
  auto r = post_form(h->public_port(), "/oauth2/revoke", "token=" + form_encode(token),
                     {{"Authorization", basic_auth(other.id, other.secret)}});
  EXPECT_EQ(r.status, 400u);
  EXPECT_TRUE(introspect(*h, token).at("active").as_bool());
  // The owner may, with form credentials too.
  TestClient post = make_client(*h, {{"token_endpoint_auth_method", "client_secret_post"}});
  auto r2 = post_form(h->public_port(), "/oauth2/token",
                      "grant_type=client_credentials&client_id=" + form_encode(post.id) +
                          "&client_secret=" + form_encode(post.secret));
  ASSERT_EQ(r2.status, 200u) << r2.body;
  remember_secret(std::string(r2.json().at("access_token").as_string()));
  r = post_form(h->public_port(), "/oauth2/revoke", "token=" + form_encode(token),
                {{"Authorization", basic_auth(c.id, c.secret)}});
  EXPECT_EQ(r.status, 200u) << r.body;
  EXPECT_FALSE(introspect(*h, token).at("active").as_bool());
  // Tampered and unknown tokens are simply inactive.
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(introspect(*h, tampered).at("active").as_bool());
  EXPECT_FALSE(introspect(*h, "ory_at_unknown.token").at("active").as_bool());
}

TEST(TokenApi, DeletingAClientsTokensDeactivatesOnlyThose) {
  START_HARNESS(h);
  TestClient c = make_client(*h);
  TestClient other = make_client(*h);
  std::string first = get_token(*h, c), second = get_token(*h, c), kept = get_token(*h, other);
  ASSERT_FALSE(first.empty() || second.empty() || kept.empty());
  auto r = http_request(h->admin_port(), verb::delete_,
                        "/admin/oauth2/tokens?client_id=" + form_encode(c.id));
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(introspect(*h, first).at("active").as_bool());
  EXPECT_FALSE(introspect(*h, second).at("active").as_bool());
  EXPECT_TRUE(introspect(*h, kept).at("active").as_bool());
  // The client itself stays and can get a new token.
  EXPECT_TRUE(introspect(*h, get_token(*h, c)).at("active").as_bool());
  // Unknown clients have no tokens: nothing to delete, not an error (as Hydra).
  EXPECT_EQ(
      http_request(h->admin_port(), verb::delete_, "/admin/oauth2/tokens?client_id=nobody").status,
      204u);
}

TEST(TokenApi, ClientAuthenticationFailures) {
  START_HARNESS(h);
  TestClient c = make_client(*h, {{"scope", "read"}});
  TestClient code_only = make_client(*h, {{"grant_types", json::array{"authorization_code"}}});
  auto token = [&](const std::string& body, Headers headers) {
    return post_form(h->public_port(), "/oauth2/token", body, std::move(headers));
  };
  std::string cc = "grant_type=client_credentials";
  auto wrong = token(cc, {{"Authorization", basic_auth(c.id, "wrong-secret")}});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(error_of(wrong), "invalid_client");
  EXPECT_FALSE(wrong.header("WWW-Authenticate").empty());
  EXPECT_EQ(token(cc, {{"Authorization", basic_auth("no-such-client", "x")}}).status, 401u);
  EXPECT_EQ(token(cc, {}).status, 401u);
  // Registered for Basic: form credentials are refused.
  EXPECT_EQ(
      token(cc + "&client_id=" + form_encode(c.id) + "&client_secret=" + form_encode(c.secret), {})
          .status,
      401u);
  auto scope = token(cc + "&scope=admin", {{"Authorization", basic_auth(c.id, c.secret)}});
  EXPECT_EQ(scope.status, 400u);
  EXPECT_EQ(error_of(scope), "invalid_scope");
  auto aud =
      token(cc + "&audience=https://elsewhere", {{"Authorization", basic_auth(c.id, c.secret)}});
  EXPECT_EQ(aud.status, 400u);
  auto grant = token(cc, {{"Authorization", basic_auth(code_only.id, code_only.secret)}});
  EXPECT_EQ(grant.status, 400u);
  EXPECT_EQ(error_of(grant), "unauthorized_client");
  EXPECT_EQ(wrong.header("Cache-Control"), "no-store");
}

TEST(PublicApi, MetadataAndHealth) {
  START_HARNESS(h);
  auto meta = http_request(h->public_port(), verb::get, "/.well-known/oauth-authorization-server");
  ASSERT_EQ(meta.status, 200u);
  EXPECT_EQ(meta.json().at("issuer").as_string(), "http://localhost:4444/");
  EXPECT_EQ(meta.json().at("token_endpoint").as_string(), "http://localhost:4444/oauth2/token");
  for (auto port : {h->public_port(), h->admin_port()}) {
    EXPECT_EQ(http_request(port, verb::get, "/health/alive").status, 200u);
    auto ready = http_request(port, verb::get, "/health/ready");
    EXPECT_EQ(ready.status, 200u);
    EXPECT_EQ(ready.json().at("status").as_string(), "ok");
  }
  auto version = http_request(h->admin_port(), verb::get, "/version");
  ASSERT_EQ(version.status, 200u);
  EXPECT_EQ(version.json().at("version").as_string(), ARGUS_VERSION);
  // The admin API is not on the public port and vice versa.
  EXPECT_EQ(http_request(h->public_port(), verb::get, "/version").status, 404u);
  EXPECT_EQ(http_request(h->public_port(), verb::get, "/admin/clients").status, 404u);
  EXPECT_EQ(post_form(h->admin_port(), "/oauth2/token", "grant_type=client_credentials").status,
            404u);
}

struct BadCase {
  const char* what;
  verb method;
  std::string target;
  std::string body;
  Headers headers;
  unsigned status;
};

TEST(BadInput, EveryCaseIsA4xxJsonErrorAndWritesNothing) {
  START_HARNESS(h);
  TestClient c = make_client(*h, {{"owner", "bad-input-owner"}});
  const Headers json_type{{"Content-Type", "application/json"}};
  const Headers form_type{{"Content-Type", "application/x-www-form-urlencoded"}};
  Headers basic = form_type;
  basic.emplace_back("Authorization", basic_auth(c.id, c.secret));
  std::string bad_id = unique_id("bad");
  std::vector<BadCase> cases = {
      {"malformed JSON", verb::post, "/admin/clients", "{\"client_id\": ", json_type, 400},
      {"JSON array body", verb::post, "/admin/clients", "[1,2]", json_type, 400},
      {"JSON string body", verb::post, "/admin/clients", "\"x\"", json_type, 400},
      {"wrong type", verb::post, "/admin/clients", R"({"client_name": 5})", json_type, 400},
      {"wrong array item", verb::post, "/admin/clients", R"({"redirect_uris": [1]})", json_type,
       400},
      {"unknown field", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","nope":1})", json_type, 400},
      {"invalid redirect uri", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","redirect_uris":["not a uri"]})", json_type, 400},
      {"invalid auth method", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","token_endpoint_auth_method":"none-such"})", json_type,
       400},
      {"invalid grant type", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","grant_types":["password!"]})", json_type, 400},
      {"metadata not an object", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","metadata":[1]})", json_type, 400},
      {"short secret", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","client_secret":"abc"})", json_type, 400},
      {"invalid UTF-8 in JSON", verb::post, "/admin/clients",
       "{\"client_id\":\"" + bad_id + "\",\"client_name\":\"\xff\xfe\"}", json_type, 400},
      {"control character in id", verb::post, "/admin/clients", "{\"client_id\":\"a\\u0000b\"}",
       json_type, 400},
      {"wrong content type",
       verb::post,
       "/admin/clients",
       R"({"client_id":")" + bad_id + "\"}",
       {{"Content-Type", "text/plain"}},
       415},
      {"id containing SQL", verb::get, "/admin/clients/x'%20OR%20'1'%3D'1", "", {}, 404},
      {"id containing SQL (delete)",
       verb::delete_,
       "/admin/clients/%27%3B%20DROP%20TABLE%20clients%3B--",
       "",
       {},
       404},
      {"bad page size", verb::get, "/admin/clients?page_size=abc", "", {}, 400},
      {"page size too big", verb::get, "/admin/clients?page_size=100000", "", {}, 400},
      {"duplicated query parameter", verb::get, "/admin/clients?owner=a&owner=b", "", {}, 400},
      {"bad page token", verb::get, "/admin/clients?page_token=%27%20OR%201%3D1", "", {}, 400},
      {"patch not an array", verb::patch, "/admin/clients/" + c.id, R"({"op":"add"})", json_type,
       400},
      {"patch bad op", verb::patch, "/admin/clients/" + c.id, R"([{"op":"jump","path":"/x"}])",
       json_type, 400},
      {"patch makes invalid client", verb::patch, "/admin/clients/" + c.id,
       R"([{"op":"replace","path":"/grant_types","value":"x"}])", json_type, 400},
      {"metadata number out of range", verb::post, "/admin/clients",
       R"({"client_id":")" + bad_id + R"(","metadata":{"n":1e400}})", json_type, 400},
      {"patch puts a number out of range", verb::patch, "/admin/clients/" + c.id,
       R"([{"op":"add","path":"/metadata/n","value":-1e400}])", json_type, 400},
      {"put id mismatch", verb::put, "/admin/clients/" + c.id, R"({"client_id":"other"})",
       json_type, 400},
      {"unknown grant type", verb::post, "/oauth2/token", "grant_type=password", basic, 400},
      {"missing grant type", verb::post, "/oauth2/token", "scope=read", basic, 400},
      {"duplicated grant type", verb::post, "/oauth2/token",
       "grant_type=client_credentials&grant_type=client_credentials", basic, 400},
      {"token with JSON body", verb::post, "/oauth2/token",
       R"({"grant_type":"client_credentials"})", json_type, 400},
      {"malformed form encoding", verb::post, "/oauth2/token", "grant_type=%zz", basic, 400},
      {"invalid UTF-8 in form", verb::post, "/oauth2/token",
       "grant_type=client_credentials&scope=%ff", basic, 400},
      {"basic auth not base64",
       verb::post,
       "/oauth2/token",
       "grant_type=client_credentials",
       {{"Content-Type", "application/x-www-form-urlencoded"},
        {"Authorization", "Basic !!!notbase64"}},
       401},
      {"basic auth without colon",
       verb::post,
       "/oauth2/token",
       "grant_type=client_credentials",
       {{"Content-Type", "application/x-www-form-urlencoded"}, {"Authorization", "Basic YWJj"}},
       401},
      {"two auth methods", verb::post, "/oauth2/token",
       "grant_type=client_credentials&client_secret=x", basic, 400},
      {"introspect without token", verb::post, "/admin/oauth2/introspect", "scope=a", form_type,
       400},
      {"introspect duplicated token", verb::post, "/admin/oauth2/introspect", "token=a&token=b",
       form_type, 400},
      {"introspect wrong content type", verb::post, "/admin/oauth2/introspect", "token=a",
       json_type, 400},
      {"delete tokens without client_id", verb::delete_, "/admin/oauth2/tokens", "", {}, 400},
      {"delete tokens, client_id duplicated",
       verb::delete_,
       "/admin/oauth2/tokens?client_id=a&client_id=b",
       "",
       {},
       400},
      {"delete tokens, malformed query",
       verb::delete_,
       "/admin/oauth2/tokens?client_id=%zz",
       "",
       {},
       400},
      {"revoke without token", verb::post, "/oauth2/revoke", "", basic, 400},
      {"revoke unauthenticated", verb::post, "/oauth2/revoke", "token=x", form_type, 401},
      {"unknown path", verb::get, "/admin/nothing", "", {}, 404},
      {"wrong method", verb::delete_, "/admin/clients", "", {}, 405},
  };
  for (const auto& bc : cases) {
    auto r = http_request(h->admin_port(), bc.method, bc.target, bc.body, bc.headers);
    if (bc.target.rfind("/oauth2/token", 0) == 0 || bc.target.rfind("/oauth2/revoke", 0) == 0)
      r = http_request(h->public_port(), bc.method, bc.target, bc.body, bc.headers);
    EXPECT_EQ(r.status, bc.status) << bc.what << ": " << r.body;
    EXPECT_TRUE(is_json_error(r)) << bc.what << ": " << r.body;
  }
  // Nothing was written: the bad id does not exist and the client is unchanged.
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/admin/clients/" + bad_id).status, 404u);
  auto still = http_request(h->admin_port(), verb::get, "/admin/clients/" + c.id);
  ASSERT_EQ(still.status, 200u);
  EXPECT_EQ(still.json().at("grant_types").as_array().at(0).as_string(), "client_credentials");
  auto list = http_request(h->admin_port(), verb::get, "/admin/clients?owner=bad-input-owner");
  EXPECT_EQ(list.json().as_array().size(), 1u);
}

TEST(Secrets, NeverInSpansOrLogsAcrossAFullFlow) {
  HarnessOptions options;
  options.log_level = "debug";
  START_HARNESS(h, options);
  TestClient c = make_client(*h, {{"scope", "read"}});
  std::string token = get_token(*h, c, "&scope=read");
  EXPECT_EQ(http_request(h->admin_port(), verb::get, "/admin/clients/" + c.id).status, 200u);
  introspect(*h, token);
  post_form(h->public_port(), "/oauth2/revoke", "token=" + form_encode(token),
            {{"Authorization", basic_auth(c.id, c.secret)}});
  // A failed login with a wrong secret, in the form.
  remember_secret("the-wrong-secret-value");
  post_form(
      h->public_port(), "/oauth2/token",
      "grant_type=client_credentials&client_id=" + c.id + "&client_secret=the-wrong-secret-value");
  auto spans = h->spans().spans();
  EXPECT_GE(spans.size(), 10u);
  h->stop_and_join();
  h->scan_for_secrets();
  // The scan is able to fail: a secret placed in a span would be found.
  std::string text;
  for (const auto& s : spans) text += span_text(s);
  EXPECT_NE(text.find(c.id), std::string::npos);
  EXPECT_NE(h->logs().find("/oauth2/token"), std::string::npos);
}

}  // namespace
}  // namespace argus::service_test
