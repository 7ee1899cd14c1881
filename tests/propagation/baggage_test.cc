// W3C Baggage: parsing with percent-decoding and properties, invalid members dropped, the
// limits (180 entries, 4096 bytes per entry, 8192 bytes in all) and serialising.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "argus/trace/propagation.h"
#include "propagation/test_util.h"

namespace argus::trace {
namespace {

Baggage parse(std::vector<std::string_view> headers) {
  Baggage b;
  baggage::parse(headers, b);
  return b;
}

TEST(PropagationBaggage, ParsesMembersValuesAndProperties) {
  auto b = parse({"userId=alice, serverNode = DF%2028 ,isProduction=false;p1;p2 = v2"});
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_EQ(b.find("userId")->value, "alice");
  EXPECT_EQ(b.find("serverNode")->value, "DF 28");
  EXPECT_EQ(b.find("isProduction")->value, "false");
  EXPECT_EQ(b.find("isProduction")->metadata, "p1;p2 = v2");
  EXPECT_EQ(b.find("missing"), nullptr);
}

TEST(PropagationBaggage, PercentDecodingUtf8AndEmptyValue) {
  auto b = parse({"k=%E4%BD%A0%e5%a5%bd,e="});
  EXPECT_EQ(b.find("k")->value, "\xE4\xBD\xA0\xE5\xA5\xBD");
  ASSERT_NE(b.find("e"), nullptr);
  EXPECT_EQ(b.find("e")->value, "");
}

TEST(PropagationBaggage, InvalidMembersDropped) {
  auto b = parse({"bad key=1,good=2,=3,x=%zz,y=%4,q=\"x\",n,s=a b,bs=a\\b,ok=3;=bad,p=1;k v"});
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].key, "good");
}

TEST(PropagationBaggage, SeveralHeadersJoinAndLaterKeyWins) {
  auto b = parse({"a=1,b=2", "a=3"});
  ASSERT_EQ(b.entries.size(), 2u);
  EXPECT_EQ(b.find("a")->value, "3");
}

TEST(PropagationBaggage, EntryCountLimit) {
  std::string h;
  for (int i = 0; i < 200; ++i) h += "k" + std::to_string(i) + "=v,";
  auto b = parse({h});
  EXPECT_EQ(b.entries.size(), baggage::kMaxEntries);
  EXPECT_EQ(b.entries.back().key, "k179");
}

TEST(PropagationBaggage, WorkBoundedByMemberCount) {
  // Only the first 180 members are looked at, valid or not: bounded work per header.
  std::string h;
  for (int i = 0; i < 180; ++i) h += "bad key=1,";
  auto b = parse({h + "late=1"});
  EXPECT_TRUE(b.entries.empty());
  std::string repeated;
  for (int i = 0; i < 2000; ++i) repeated += "a=1,";  // 8000 bytes: within the size limit
  b = parse({repeated, "b=2"});
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].key, "a");
}

TEST(PropagationBaggage, EntrySizeLimit) {
  const std::string big = "big=" + std::string(4100, 'x');
  auto b = parse({big + ",small=1"});
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].key, "small");
  EXPECT_EQ(parse({"ok=" + std::string(4000, 'x')}).entries.size(), 1u);
}

TEST(PropagationBaggage, TotalSizeLimit) {
  const std::string v(3000, 'x');
  auto b = parse({"a=" + v, "b=" + v, "c=" + v, "d=1"});
  // a and b fit (about 6000 bytes); c would pass 8192 and is dropped; d still fits.
  ASSERT_EQ(b.entries.size(), 3u);
  EXPECT_NE(b.find("a"), nullptr);
  EXPECT_EQ(b.find("c"), nullptr);
  EXPECT_NE(b.find("d"), nullptr);
}

TEST(PropagationBaggage, OversizedHeaderIgnored) {
  auto b = parse({"a=" + std::string(kMaxHeaderValue, 'x'), "b=1"});
  ASSERT_EQ(b.entries.size(), 1u);
  EXPECT_EQ(b.entries[0].key, "b");
}

TEST(PropagationBaggage, SerializeEncodesAndRoundTrips) {
  Baggage b;
  b.entries.push_back({"user", "alice smith,ok;%", ""});
  b.entries.push_back({"k", "v", "prop1;p2=x"});
  b.entries.push_back({"bad key", "v", ""});  // not a token: left out
  const std::string wire = baggage::serialize(b);
  EXPECT_EQ(wire, "user=alice%20smith%2Cok%3B%25,k=v;prop1;p2=x");
  auto back = parse({wire});
  ASSERT_EQ(back.entries.size(), 2u);
  EXPECT_EQ(back.find("user")->value, "alice smith,ok;%");
  EXPECT_EQ(back.find("k")->metadata, "prop1;p2=x");
}

TEST(PropagationBaggage, SerializeRespectsLimits) {
  Baggage b;
  for (int i = 0; i < 200; ++i) b.entries.push_back({"k" + std::to_string(i), "v", ""});
  auto back = parse({baggage::serialize(b)});
  EXPECT_EQ(back.entries.size(), baggage::kMaxEntries);
  Baggage big;
  big.entries.push_back({"huge", std::string(5000, 'x'), ""});
  big.entries.push_back({"small", "1", ""});
  EXPECT_EQ(baggage::serialize(big), "small=1");
}

// The propagator probes for two headers first; more than that must still all be read, in order.
TEST(PropagationBaggage, PropagatorReadsEveryHeaderBeyondTheFirstTwo) {
  auto p = make_baggage_propagator();
  auto ctx = testing::extract(
      *p, testing::Headers{{"baggage", "a=1"}, {"baggage", "b=2"}, {"baggage", "c=3,a=4"}});
  ASSERT_EQ(ctx.baggage.entries.size(), 3u);
  EXPECT_EQ(ctx.baggage.find("c")->value, "3");
  EXPECT_EQ(ctx.baggage.find("a")->value, "4");  // the later header wins
}

TEST(PropagationBaggage, PropagatorCarriesNoContext) {
  auto p = make_baggage_propagator();
  bool found = true;
  auto ctx = testing::extract(*p, testing::Headers{{"Baggage", "a=1"}, {"BAGGAGE", "b=2"}}, &found);
  EXPECT_FALSE(found);
  EXPECT_EQ(ctx.baggage.entries.size(), 2u);
  Baggage b;
  b.entries.push_back({"a", "1", ""});
  auto h = testing::inject(*p, SpanContext{}, b);
  ASSERT_NE(testing::header(h, "baggage"), nullptr);
  EXPECT_EQ(*testing::header(h, "baggage"), "a=1");
  EXPECT_TRUE(testing::inject(*p, SpanContext{}, Baggage{}).empty());
}

}  // namespace
}  // namespace argus::trace
