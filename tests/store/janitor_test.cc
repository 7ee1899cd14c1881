// The janitor's token purge on every back end: bounded batches, each its own transaction and
// span with the SQL spans beneath it, the --limit and --keep-if-younger semantics, and rows that
// must survive (unexpired, or expired but young) surviving.
#include "store/janitor.h"

#include <gtest/gtest.h>

#include <set>

#include "store/store_fixture.h"

namespace argus::store::testing {
namespace {

using JanitorTest = StoreTest;
constexpr std::int64_t kNow = 1'800'000'000;

// `count` tokens "<prefix>-<i>" with the given issue and expiry times.
void insert_tokens(Store& store, const std::string& prefix, int count, std::int64_t issued_at,
                   std::int64_t expires_at) {
  for (int i = 0; i < count; ++i) {
    auto t = sample_token(prefix + "-" + std::to_string(i), "janitor-client");
    t.issued_at = issued_at;
    t.expires_at = expires_at + i;
    ASSERT_TRUE(store.insert_token(t)) << t.signature;
  }
}

std::size_t surviving(Store& store, const std::string& prefix, int count) {
  std::size_t n = 0;
  for (int i = 0; i < count; ++i)
    if (store.get_token(prefix + "-" + std::to_string(i))) ++n;
  return n;
}

PurgeOptions options_at(trace::Tracer* tracer) {
  PurgeOptions o;
  o.tracer = tracer;
  o.now = [] { return kNow; };
  return o;
}

TEST_P(JanitorTest, PurgesExpiredTokensInBoundedBatches) {
  insert_tokens(*store_, "old", 23, kNow - 7200, kNow - 3600);
  insert_tokens(*store_, "live", 4, kNow - 60, kNow + 3600);
  spans_->clear();
  auto options = options_at(&tracer());
  options.batch_size = 10;
  auto report = purge_expired_tokens(*store_, options);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.deleted, 23);
  EXPECT_EQ(report.batches, 3u);  // 10 + 10 + 3
  EXPECT_EQ(surviving(*store_, "old", 23), 0u);
  EXPECT_EQ(surviving(*store_, "live", 4), 4u);

  auto spans = spans_->spans();
  const trace::SpanData* run = nullptr;
  std::vector<const trace::SpanData*> batches;
  for (const auto& s : spans) {
    if (s.name == "janitor.purge_tokens") run = &s;
    if (s.name == "janitor.batch") batches.push_back(&s);
  }
  ASSERT_NE(run, nullptr);
  EXPECT_EQ(run->attributes.find("janitor.deleted")->as_int(), 23);
  ASSERT_EQ(batches.size(), 3u);
  std::int64_t per_batch[] = {10, 10, 3};
  for (std::size_t i = 0; i < batches.size(); ++i) {
    const auto& b = *batches[i];
    EXPECT_EQ(b.parent_span_id, run->context.span_id);
    EXPECT_EQ(b.attributes.find("janitor.deleted")->as_int(), per_batch[i]);
    // Each batch is its own transaction: BEGIN, the DELETE and COMMIT are its children.
    std::set<std::string> children;
    for (const auto& s : spans)
      if (s.parent_span_id == b.context.span_id) children.insert(s.name);
    EXPECT_TRUE(children.count("BEGIN")) << i;
    EXPECT_TRUE(children.count("DELETE oauth2_access_tokens")) << i;
    EXPECT_TRUE(children.count("COMMIT")) << i;
  }
}

TEST_P(JanitorTest, LimitBoundsOneRun) {
  insert_tokens(*store_, "old", 25, kNow - 7200, kNow - 3600);
  auto options = options_at(nullptr);
  options.batch_size = 10;
  options.limit = 15;
  auto report = purge_expired_tokens(*store_, options);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.deleted, 15);
  EXPECT_EQ(report.batches, 2u);  // 10, then the 5 the limit leaves
  // Oldest expiry first.
  EXPECT_EQ(surviving(*store_, "old", 15), 0u);
  EXPECT_EQ(surviving(*store_, "old", 25), 10u);
  auto rest = purge_expired_tokens(*store_, options);
  EXPECT_EQ(rest.deleted, 10);
  EXPECT_EQ(surviving(*store_, "old", 25), 0u);
}

TEST_P(JanitorTest, KeepIfYoungerSparesRecentlyIssuedTokens) {
  insert_tokens(*store_, "old", 3, kNow - 48 * 3600, kNow - 47 * 3600);
  insert_tokens(*store_, "young", 3, kNow - 2 * 3600, kNow - 3600);  // expired, issued 2h ago
  auto options = options_at(nullptr);
  options.keep_if_younger = std::chrono::hours(24);
  auto report = purge_expired_tokens(*store_, options);
  ASSERT_FALSE(report.error) << report.error->message;
  EXPECT_EQ(report.deleted, 3);
  EXPECT_EQ(surviving(*store_, "old", 3), 0u);
  EXPECT_EQ(surviving(*store_, "young", 3), 3u);
  options.keep_if_younger = std::chrono::hours(1);
  EXPECT_EQ(purge_expired_tokens(*store_, options).deleted, 3);
  EXPECT_EQ(surviving(*store_, "young", 3), 0u);
}

TEST_P(JanitorTest, NothingToPurgeIsOneEmptyBatch) {
  insert_tokens(*store_, "live", 2, kNow - 60, kNow + 60);
  auto report = purge_expired_tokens(*store_, options_at(nullptr));
  ASSERT_FALSE(report.error);
  EXPECT_EQ(report.deleted, 0);
  EXPECT_EQ(report.batches, 1u);
  EXPECT_EQ(surviving(*store_, "live", 2), 2u);
}

TEST_P(JanitorTest, CancelStopsBetweenBatches) {
  insert_tokens(*store_, "old", 5, kNow - 7200, kNow - 3600);
  std::atomic<bool> cancel{true};
  auto options = options_at(nullptr);
  options.batch_size = 2;
  options.cancel = &cancel;
  auto report = purge_expired_tokens(*store_, options);
  EXPECT_EQ(report.batches, 0u);
  EXPECT_EQ(surviving(*store_, "old", 5), 5u);
}

INSTANTIATE_TEST_SUITE_P(Backends, JanitorTest, ::testing::ValuesIn(all_backends()),
                         [](const auto& info) { return name(info.param); });

}  // namespace
}  // namespace argus::store::testing
