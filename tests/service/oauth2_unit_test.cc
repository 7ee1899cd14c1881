// Unit tests for the OAuth2 building blocks that need no server: token signing and secret
// rotation, strict base64 and form decoding, JSON Patch, client validation and bcrypt.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "oauth2/bcrypt.h"
#include "oauth2/client_codec.h"
#include "oauth2/form.h"
#include "oauth2/json_patch.h"
#include "oauth2/token_codec.h"

namespace argus::oauth2 {
namespace {
namespace json = boost::json;

TEST(TokenCodec, IssuesVerifiableTokensAndRotatesSecrets) {
  auto old_codec = TokenCodec::create({"old-secret-0123456789"});
  ASSERT_TRUE(old_codec.has_value());
  auto issued = old_codec->issue();
  ASSERT_TRUE(issued.has_value());
  EXPECT_EQ(issued->token.rfind("ory_at_", 0), 0u);
  EXPECT_EQ(issued->token.find(issued->signature), issued->token.size() - issued->signature.size());
  EXPECT_EQ(old_codec->verify(issued->token), issued->signature);
  // After rotation the new secret signs and the old one still verifies.
  auto rotated = TokenCodec::create({"new-secret-0123456789", "old-secret-0123456789"});
  ASSERT_TRUE(rotated.has_value());
  EXPECT_EQ(rotated->verify(issued->token), issued->signature);
  auto fresh = rotated->issue();
  EXPECT_FALSE(old_codec->verify(fresh->token).has_value());
  // Removing the old secret invalidates its tokens.
  auto only_new = TokenCodec::create({"new-secret-0123456789"});
  EXPECT_FALSE(only_new->verify(issued->token).has_value());
  // The signature alone (what the database keeps) is not a token.
  EXPECT_FALSE(old_codec->verify(issued->signature).has_value());
  EXPECT_FALSE(old_codec->verify("ory_at_." + issued->signature).has_value());
  EXPECT_FALSE(old_codec->verify("").has_value());
}

TEST(TokenCodec, RejectsShortOrMissingSecrets) {
  EXPECT_FALSE(TokenCodec::create({}).has_value());
  EXPECT_FALSE(TokenCodec::create({"short"}).has_value());
  EXPECT_FALSE(TokenCodec::create({"long-enough-secret-1", "short"}).has_value());
}

TEST(Form, DecodesAndRejectsMalformedInput) {
  auto f = parse_urlencoded("a=1&b=x+y%21&c=&a=2");
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(*f->get("b"), "x y!");
  EXPECT_EQ(*f->get("c"), "");
  EXPECT_EQ(f->count("a"), 2u);
  EXPECT_EQ(f->first_duplicate(), "a");
  EXPECT_EQ(f->first_duplicate({"a"}), "");
  EXPECT_FALSE(parse_urlencoded("a=%zz").has_value());
  EXPECT_FALSE(parse_urlencoded("a=%f").has_value());
  EXPECT_FALSE(parse_urlencoded("a=%00").has_value());
  EXPECT_FALSE(parse_urlencoded("a=%ff%fe").has_value());
  EXPECT_FALSE(parse_urlencoded("=x").has_value());
}

TEST(Form, BasicCredentialsFollowRfc6749) {
  // "my id:p@ss:word" with the id form-encoded (RFC 6749 §2.3.1).
  auto c = parse_basic("Basic bXkraWQ6cCU0MHNzOndvcmQ=");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->client_id, "my id");
  EXPECT_EQ(c->client_secret, "p@ss:word");
  EXPECT_FALSE(parse_basic("Basic !!!").has_value());
  EXPECT_FALSE(parse_basic("Basic YWJj").has_value());  // no colon
  EXPECT_FALSE(parse_basic("Bearer abc").has_value());
  EXPECT_FALSE(parse_basic("Basic YWJjOg").has_value());  // missing padding
  EXPECT_TRUE(parse_basic("basic YTpi").has_value());     // scheme is case-insensitive
  EXPECT_EQ(base64_decode("YTpi").value(), "a:b");
  EXPECT_FALSE(base64_decode("YT=i").has_value());
}

TEST(JsonPatch, AppliesRfc6902Operations) {
  json::value doc = json::parse(R"({"a":1,"list":[1,2],"o":{"x":"y"}})");
  auto patch = json::parse(R"([
    {"op":"add","path":"/b","value":2},
    {"op":"add","path":"/list/1","value":9},
    {"op":"add","path":"/list/-","value":3},
    {"op":"remove","path":"/a"},
    {"op":"replace","path":"/o/x","value":"z"},
    {"op":"copy","from":"/o","path":"/p"},
    {"op":"move","from":"/b","path":"/c"},
    {"op":"test","path":"/c","value":2}
  ])");
  ASSERT_FALSE(apply_json_patch(doc, patch).has_value());
  EXPECT_EQ(doc, json::parse(R"({"list":[1,9,2,3],"o":{"x":"z"},"p":{"x":"z"},"c":2})"));
}

TEST(JsonPatch, IsAtomicAndRejectsBadOperations) {
  json::value doc = json::parse(R"({"a":1})");
  json::value before = doc;
  for (const char* bad :
       {R"([{"op":"add","path":"/b","value":1},{"op":"test","path":"/a","value":2}])",
        R"([{"op":"remove","path":"/nope"}])", R"([{"op":"add","path":"x","value":1}])",
        R"([{"op":"replace","path":"/a"}])", R"([{"op":"move","from":"/a","path":"/a/b"}])",
        R"([{"op":"bogus","path":"/a"}])", R"({"op":"add"})", R"([1])",
        R"([{"op":"add","path":"/a/~2","value":1}])"}) {
    EXPECT_TRUE(apply_json_patch(doc, json::parse(bad)).has_value()) << bad;
    EXPECT_EQ(doc, before) << bad;
  }
}

TEST(ClientCodec, ValidatesAndNamesTheField) {
  auto ok = parse_client(R"({"client_id":"c","scope":"a b","metadata":{"k":[1]}})");
  ASSERT_TRUE(std::holds_alternative<ClientInput>(ok));
  const auto& c = std::get<ClientInput>(ok).client;
  EXPECT_EQ(c.grant_types, std::vector<std::string>{"authorization_code"});
  EXPECT_EQ(c.token_endpoint_auth_method, "client_secret_basic");
  EXPECT_EQ(c.metadata, R"({"k":[1]})");
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {{R"({"scope":"a  b"})", "scope"},
               {R"({"scope":"a\"b"})", "scope"},
               {R"({"logo_uri":"relative/path"})", "logo_uri"},
               {R"({"contacts":[""]})", "contacts"},
               {R"({"client_secret_expires_at":-1})", "client_secret_expires_at"},
               {R"({"client_secret_expires_at":1.5})", "client_secret_expires_at"},
               {R"({"response_types":["code bogus"]})", "response_types"},
               {R"({"jwks":{}})", "jwks"}};
  for (const auto& tc : cases) {
    auto r = parse_client(tc.body);
    ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << tc.body;
    EXPECT_NE(std::get<ParseError>(r).description.find(tc.field), std::string::npos) << tc.body;
  }
  // null means "not given".
  EXPECT_TRUE(std::holds_alternative<ClientInput>(parse_client(R"({"client_name":null})")));
}

// Found by fuzz_client_json: Boost.JSON 1.81 may read a number back as a neighbouring double, so
// metadata drifted by a unit in the last place each time a client was shown and put back. It
// must read back to the bit, however often.
TEST(ClientCodec, MetadataSurvivesBeingShownAndPutBack) {
  auto first =
      parse_client(R"({"metadata":{"k":[2,20011111111111111111111111111111111111111111111110,
                                             0.1,123456789012345678901234567890e-10]}})");
  ASSERT_TRUE(std::holds_alternative<ClientInput>(first));
  const std::string stored = std::get<ClientInput>(first).client.metadata;
  argus::store::Client client = std::get<ClientInput>(first).client;
  for (int round = 0; round < 5; ++round) {
    std::string shown;
    append_client_json(shown, client);
    auto again = parse_client(shown);
    ASSERT_TRUE(std::holds_alternative<ClientInput>(again)) << shown;
    client = std::get<ClientInput>(again).client;
    EXPECT_EQ(client.metadata, stored) << "round " << round;
  }
}

// Boost.JSON 1.81 reads 1e400 as an infinity and 0e999 as NaN, which would be stored as the
// non-JSON Infinity and NaN and then read back as no metadata at all.
TEST(ClientCodec, NumbersOutOfRangeAreRejectedAndZeroStaysZero) {
  for (const char* body : {R"({"metadata":{"big":1e400}})", R"({"metadata":{"tiny":[-1e-400]}})"}) {
    auto r = parse_client(body);
    ASSERT_TRUE(std::holds_alternative<ParseError>(r)) << body;
    EXPECT_EQ(std::get<ParseError>(r).error, "invalid_request") << body;
  }
  auto zero = parse_client(R"({"metadata":{"zero":0e999}})");
  ASSERT_TRUE(std::holds_alternative<ClientInput>(zero));
  EXPECT_EQ(std::get<ClientInput>(zero).client.metadata, R"({"zero":0E0})");
}

TEST(Bcrypt, HashesWithPrefixAndCostAndCompares) {
  BcryptHasher hasher(4, nullptr);
  auto h = hasher.hash("a secret", {});
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->rfind("$2b$04$", 0), 0u);
  EXPECT_EQ(bcrypt_cost_of(*h), 4u);
  EXPECT_TRUE(hasher.compare(*h, "a secret", {}));
  EXPECT_FALSE(hasher.compare(*h, "a secreT", {}));
  EXPECT_FALSE(hasher.compare("not a hash", "a secret", {}));
  EXPECT_FALSE(hasher.compare(*h, std::string("a secret\0x", 10), {}));
  EXPECT_FALSE(hasher.hash(std::string("nul\0inside", 10), {}).has_value());
  EXPECT_NE(*hasher.hash("a secret", {}), *h);  // salted
}

}  // namespace
}  // namespace argus::oauth2
