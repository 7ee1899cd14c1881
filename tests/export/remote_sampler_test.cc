// The Jaeger remote sampler: strategies from an injected fetch function (no sleeps, a manual
// clock for rate limits), garbage and absurd answers, parent-based decisions, and the real HTTP
// path against the scripted collector.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "argus/trace/export/jaeger.h"
#include "export/support.h"

namespace argus::trace {
namespace {
using namespace std::chrono_literals;
using testing::FakeCollector;
using testing::Reply;

struct Server {
  std::mutex mu;
  std::condition_variable cv;
  std::string answer;
  bool fail = false;
  int calls = 0;
  std::string last_url;
  jaeger::FetchFunction fetch() {
    return [this](const std::string& url) -> Expected<std::string> {
      std::lock_guard lock(mu);
      ++calls;
      last_url = url;
      cv.notify_all();
      if (fail) return Error{Error::Code::unavailable, "connect: refused"};
      return answer;
    };
  }
  bool wait_calls(int n) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 10s, [&] { return calls >= n; });
  }
};

std::unique_ptr<jaeger::RemoteSampler> make(Server& s, double fallback, Clock* clock = nullptr,
                                            std::vector<std::string>* logs = nullptr) {
  jaeger::RemoteSamplerOptions o;
  o.server_url = "http://agent:5778/sampling";
  o.service_name = "argus public";
  o.fallback_ratio = fallback;
  o.poll_in_background = false;
  o.fetch = s.fetch();
  o.clock = clock;
  o.log = [logs](std::string_view l) {
    if (logs) logs->emplace_back(l);
  };
  auto r = jaeger::make_remote_sampler_handle(o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return std::move(*r);
}

// Decides for a root span with a trace id whose low 64 bits are `low`.
SamplingDecision decide(Sampler& s, std::uint64_t low, std::string_view name = "op",
                        const SpanContext* parent = nullptr) {
  TraceId id = TraceId::from_halves(0x1234, low);
  SamplingParams p{parent, id, name, SpanKind::kServer, {}};
  return s.should_sample(p).decision;
}

constexpr std::uint64_t kLowId = 1;                       // sampled by any ratio > 0
constexpr std::uint64_t kHighId = 0x7fffffffffffff00ULL;  // sampled only near 1
constexpr auto kYes = SamplingDecision::kRecordAndSample;
constexpr auto kNo = SamplingDecision::kDrop;

TEST(RemoteSampler, FallsBackToTheRatioUntilTheFirstAnswer) {
  Server s;
  auto all = make(s, 1.0);
  EXPECT_EQ(decide(*all, kHighId), kYes);
  auto none = make(s, 0.0);
  EXPECT_EQ(decide(*none, kLowId), kNo);
  EXPECT_EQ(s.calls, 0);
}

TEST(RemoteSampler, ProbabilisticStrategyApplies) {
  Server s;
  s.answer = R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.5}})";
  auto r = make(s, 1.0);
  ASSERT_TRUE(r->refresh_now());
  EXPECT_EQ(s.last_url, "http://agent:5778/sampling?service=argus%20public");
  EXPECT_EQ(decide(*r, kLowId), kYes);
  EXPECT_EQ(decide(*r, kHighId), kNo);
  EXPECT_NE(r->description().find("Probabilistic"), std::string::npos);
  s.answer =
      R"({"strategyType":0,"probabilisticSampling":{"samplingRate":0}})";  // thrift enum form
  ASSERT_TRUE(r->refresh_now());
  EXPECT_EQ(decide(*r, kLowId), kNo);
}

TEST(RemoteSampler, RateLimitingUsesTheClock) {
  Server s;
  ManualClock clock;
  s.answer = R"({"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":2}})";
  auto r = make(s, 0.0, &clock);
  ASSERT_TRUE(r->refresh_now());
  int sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += decide(*r, kLowId) == kYes;
  EXPECT_EQ(sampled, 2);
  clock.advance_ns(1'000'000'000);
  sampled = 0;
  for (int i = 0; i < 10; ++i) sampled += decide(*r, kLowId) == kYes;
  EXPECT_EQ(sampled, 2);
}

TEST(RemoteSampler, PerOperationWithLowerBound) {
  Server s;
  ManualClock clock;
  s.answer = R"({"strategyType":"PROBABILISTIC","operationSampling":{
      "defaultSamplingProbability":0,"defaultLowerBoundTracesPerSecond":1,
      "perOperationStrategies":[{"operation":"GET /health","probabilisticSampling":{"samplingRate":0}},
                                {"operation":"POST /oauth2/token","probabilisticSampling":{"samplingRate":1}}]}})";
  auto r = make(s, 0.0, &clock);
  ASSERT_TRUE(r->refresh_now());
  for (int i = 0; i < 5; ++i) EXPECT_EQ(decide(*r, kHighId, "POST /oauth2/token"), kYes);
  // Probability 0, but the lower bound lets one trace per second through, per operation.
  EXPECT_EQ(decide(*r, kLowId, "GET /health"), kYes);
  EXPECT_EQ(decide(*r, kLowId, "GET /health"), kNo);
  EXPECT_EQ(decide(*r, kLowId, "unlisted"), kYes);
  EXPECT_EQ(decide(*r, kLowId, "unlisted"), kNo);
  clock.advance_ns(1'000'000'000);
  EXPECT_EQ(decide(*r, kLowId, "GET /health"), kYes);
}

TEST(RemoteSampler, GarbageAndAbsurdAnswersFallBack) {
  Server s;
  std::vector<std::string> logs;
  auto r = make(s, 0.0, nullptr, &logs);
  s.answer = R"({"probabilisticSampling":{"samplingRate":1}})";
  ASSERT_TRUE(r->refresh_now());
  ASSERT_EQ(decide(*r, kLowId), kYes);
  const char* bad[] = {
      "not json",
      "",
      "[]",
      R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":-0.5}})",
      R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1.5}})",
      R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":NaN}})",
      R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":"0.5"}})",
      R"({"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":1e999}})",
      R"({"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":-1}})",
      R"({"strategyType":"SOMETHING"})",
      R"({"operationSampling":{"defaultSamplingProbability":2}})",
      R"({"operationSampling":{"defaultSamplingProbability":0.1,"perOperationStrategies":[{"operation":1}]}})",
  };
  for (const char* answer : bad) {
    s.answer = answer;
    EXPECT_FALSE(r->refresh_now()) << answer;
    EXPECT_EQ(decide(*r, kLowId), kNo) << answer;  // the fallback ratio 0 is in force
    s.answer = R"({"probabilisticSampling":{"samplingRate":1}})";
    ASSERT_TRUE(r->refresh_now());
  }
  s.fail = true;
  EXPECT_FALSE(r->refresh_now());
  EXPECT_EQ(decide(*r, kLowId), kNo);
  auto st = r->stats();
  EXPECT_EQ(st.failed_polls, std::size(bad) + 1);
  EXPECT_NE(st.last_error.find("refused"), std::string::npos);
  EXPECT_LT(logs.size(), std::size(bad) + 1);  // logged once per kind, not per poll
  EXPECT_GE(logs.size(), 1u);
}

TEST(RemoteSampler, FollowsTheParentWhateverTheStrategy) {
  Server s;
  s.answer = R"({"probabilisticSampling":{"samplingRate":0}})";
  auto r = make(s, 0.0);
  ASSERT_TRUE(r->refresh_now());
  SpanContext parent;
  parent.trace_id = TraceId::from_halves(1, 2);
  parent.span_id = SpanId(3);
  parent.remote = true;
  parent.flags = TraceFlags::kSampled;
  EXPECT_EQ(decide(*r, kLowId, "op", &parent), kYes);
  parent.flags = 0;
  EXPECT_EQ(decide(*r, kLowId, "op", &parent), kNo);
  parent.debug = true;
  EXPECT_EQ(decide(*r, kLowId, "op", &parent), kYes);
}

TEST(RemoteSampler, BackgroundPollerFetchesWithoutBlockingSampling) {
  Server s;
  s.answer = R"({"probabilisticSampling":{"samplingRate":0}})";
  jaeger::RemoteSamplerOptions o;
  o.service_name = "svc";
  o.fallback_ratio = 1.0;
  o.refresh_interval = 1h;  // only the initial poll happens in this test
  o.fetch = s.fetch();
  auto r = jaeger::make_remote_sampler(o);
  ASSERT_TRUE(r);
  ASSERT_TRUE(s.wait_calls(1));
  // The strategy is stored right after the fetch returns; wait for its effect on decisions.
  bool applied = false;
  for (int i = 0; i < 1'000'000 && !applied; ++i) applied = decide(**r, kLowId) == kNo;
  EXPECT_TRUE(applied);
  r->reset();  // destruction stops the poller promptly despite the 1 h interval
}

TEST(RemoteSampler, RealHttpServer) {
  FakeCollector c;
  c.push({Reply::Kind::kRespond, 200, R"({"probabilisticSampling":{"samplingRate":0}})"});
  c.push({Reply::Kind::kRespond, 500, "oops"});
  c.push({Reply::Kind::kHuge});
  jaeger::RemoteSamplerOptions o;
  o.server_url = c.url("/sampling");
  o.service_name = "argus";
  o.poll_in_background = false;
  o.timeout = 2s;
  o.log = [](std::string_view) {};
  auto r = jaeger::make_remote_sampler_handle(o);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE((*r)->refresh_now()) << (*r)->stats().last_error;
  EXPECT_EQ(c.requests().at(0).method, "GET");
  EXPECT_EQ(c.requests().at(0).target, "/sampling?service=argus");
  EXPECT_EQ(decide(**r, kLowId), kNo);
  EXPECT_FALSE((*r)->refresh_now());     // 500
  EXPECT_EQ(decide(**r, kLowId), kYes);  // fallback ratio 1
  EXPECT_FALSE((*r)->refresh_now());     // 4 MiB body: over the limit
}

TEST(RemoteSampler, InvalidOptions) {
  jaeger::RemoteSamplerOptions o;
  EXPECT_FALSE(jaeger::make_remote_sampler(o).has_value());  // no service name
  o.service_name = "x";
  o.fallback_ratio = std::nan("");
  EXPECT_FALSE(jaeger::make_remote_sampler(o).has_value());
  o.fallback_ratio = 0.5;
  o.server_url = "gopher://x";
  EXPECT_FALSE(jaeger::make_remote_sampler(o).has_value());
}

}  // namespace
}  // namespace argus::trace
