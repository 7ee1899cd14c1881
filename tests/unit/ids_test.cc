#include <argus/trace/ids.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace argus::trace {
namespace {

TEST(Ids, TraceIdHexRoundTrip) {
  const TraceId id = TraceId::from_halves(0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL);
  EXPECT_EQ(id.to_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e4736"), id);
  EXPECT_EQ(id.high(), 0x4bf92f3577b34da6ULL);
  EXPECT_EQ(id.low(), 0xa3ce929d0e0e4736ULL);
}

TEST(Ids, SixtyFourBitTraceIdIsLeftPadded) {
  const TraceId id = TraceId::from_hex("a3ce929d0e0e4736");
  EXPECT_EQ(id.to_hex(), "0000000000000000a3ce929d0e0e4736");
}

TEST(Ids, RejectsUppercaseWrongLengthAndNonHex) {
  EXPECT_FALSE(TraceId::from_hex("4BF92F3577B34DA6A3CE929D0E0E4736").is_valid());
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473").is_valid());
  EXPECT_FALSE(TraceId::from_hex("4bf92f3577b34da6a3ce929d0e0e473g").is_valid());
  EXPECT_FALSE(SpanId::from_hex("00f067aa0ba902b").is_valid());
  EXPECT_FALSE(SpanId::from_hex("0000000000000000").is_valid());
  EXPECT_EQ(SpanId::from_hex("00f067aa0ba902b7").value(), 0x00f067aa0ba902b7ULL);
  EXPECT_EQ(SpanId(0x00f067aa0ba902b7ULL).to_hex(), "00f067aa0ba902b7");
}

TEST(Ids, GeneratedIdsAreValidAndDistinctAcrossThreads) {
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&out] {
      for (int i = 0; i < 2000; ++i) {
        TraceId t = IdGenerator::new_trace_id();
        SpanId s = IdGenerator::new_span_id();
        ASSERT_TRUE(t.is_valid());
        ASSERT_TRUE(s.is_valid());
        out.push_back(t.to_hex());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (auto& v : per_thread) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 8000u);  // threads are seeded independently
}

TEST(Ids, EveryByteOfTraceIdsIsRandom) {
  // Each of the 16 byte positions must take many values (a fixed or counter byte would not).
  std::vector<std::set<int>> seen(16);
  for (int i = 0; i < 512; ++i) {
    auto bytes = IdGenerator::new_trace_id().bytes();
    for (int b = 0; b < 16; ++b) seen[b].insert(bytes[b]);
  }
  for (int b = 0; b < 16; ++b) EXPECT_GT(seen[b].size(), 150u) << "byte " << b;
}

}  // namespace
}  // namespace argus::trace
