// The client JSON written straight into a response body: byte for byte what Boost.JSON
// serialises for the same object, including escapes, metadata and timestamps.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "oauth2/client_codec.h"

namespace argus::oauth2 {
namespace {
namespace json = boost::json;

argus::store::Client sample() {
  argus::store::Client c;
  c.client_id = "id \"quoted\" \\ slash/é";
  c.client_name = "tab\there\nnewline\x01\x1f";
  c.grant_types = {"client_credentials", "refresh_token"};
  c.response_types = {"code"};
  c.scope = "read write";
  c.audience = {};
  c.owner = "owner";
  c.redirect_uris = {"https://a.example/cb"};
  c.token_endpoint_auth_method = "client_secret_basic";
  c.contacts = {"a@example.com"};
  c.metadata = R"({"b": [1, 2], "a": {"x": null}})";
  c.created_at = 951782400;  // 2000-02-29T00:00:00Z
  c.updated_at = 1700000000;
  c.client_secret_expires_at = 42;
  return c;
}

// What the handlers produced before: a Boost.JSON object, serialised.
std::string reference(const argus::store::Client& c, const std::optional<std::string>& secret) {
  auto arr = [](const std::vector<std::string>& v) {
    json::array a;
    for (const auto& s : v) a.emplace_back(s);
    return a;
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
  o["created_at"] = "2000-02-29T00:00:00Z";
  o["updated_at"] = "2023-11-14T22:13:20Z";
  o["client_secret_expires_at"] = c.client_secret_expires_at;
  return json::serialize(o);
}

TEST(ClientJson, MatchesBoostJsonByteForByte) {
  auto c = sample();
  std::string out;
  append_client_json(out, c);
  EXPECT_EQ(out, reference(c, std::nullopt));
  std::string with_secret;
  append_client_json(with_secret, c, std::string("s3cr\"et"));
  EXPECT_EQ(with_secret, reference(c, std::string("s3cr\"et")));
}

TEST(ClientJson, AppendsAfterExistingText) {
  auto c = sample();
  std::string out = "[";
  append_client_json(out, c);
  out += ',';
  append_client_json(out, c);
  out += ']';
  boost::system::error_code ec;
  auto v = json::parse(out, ec);
  ASSERT_FALSE(ec) << out;
  ASSERT_TRUE(v.is_array());
  EXPECT_EQ(v.as_array().size(), 2u);
}

TEST(ClientJson, MetadataThatIsNotAnObjectShowsEmpty) {
  auto c = sample();
  for (std::string bad : {"[1]", "not json", "", "{}"}) {
    c.metadata = bad;
    std::string out;
    append_client_json(out, c);
    EXPECT_NE(out.find("\"metadata\":{},"), std::string::npos) << bad;
  }
}

TEST(ClientJson, TimestampsAcrossEpochsAndLeapDays) {
  auto c = sample();
  const std::pair<std::int64_t, const char*> cases[] = {
      {0, "1970-01-01T00:00:00Z"},          {86399, "1970-01-01T23:59:59Z"},
      {-1, "1969-12-31T23:59:59Z"},         {951868800, "2000-03-01T00:00:00Z"},
      {4102444800, "2100-01-01T00:00:00Z"}, {253402300799, "9999-12-31T23:59:59Z"},
  };
  for (auto [seconds, text] : cases) {
    c.created_at = seconds;
    std::string out;
    append_client_json(out, c);
    EXPECT_NE(out.find(std::string("\"created_at\":\"") + text + "\""), std::string::npos)
        << seconds << " " << out;
  }
}

TEST(ClientJson, ObjectFormRoundTripsThroughTheText) {
  auto c = sample();
  json::object o = client_to_json(c);
  EXPECT_EQ(json::serialize(o), reference(c, std::nullopt));
}

}  // namespace
}  // namespace argus::oauth2
