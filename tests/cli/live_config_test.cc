// SIGHUP reload logic: live settings (sampling ratios, log level and format) change, others are
// reported as needing a restart, and a broken file changes nothing.
#include "cli/live_config.h"

#include <gtest/gtest.h>

#include "argus/trace/in_memory_exporter.h"
#include "config/test_files.h"

namespace argus::cli {
namespace {

using argus::testing::TempDir;

int sampled_of(trace::TracerProvider& p, int n) {
  int sampled = 0;
  for (int i = 0; i < n; ++i) {
    sampled += p.tracer().start_span("x", {.root = true}).context().is_sampled() ? 1 : 0;
  }
  return sampled;
}

const char* kBase =
    "secrets:\n  system: [0123456789abcdef-secret]\n"
    "log:\n  level: info\n"
    "tracing:\n  provider: otel\n  service_name: before\n"
    "  providers:\n    otlp:\n      sampling:\n        sampling_ratio: 0\n";

TEST(LiveConfig, ReloadAppliesLiveSettingsAndReportsTheRest) {
  TempDir dir;
  config::LoadOptions options;
  options.files = {dir.write("argus.yaml", kBase)};
  auto loaded = config::load(options);
  ASSERT_TRUE(loaded.ok());
  TracingSetupOptions topts;
  topts.exporter_override = [] { return std::make_unique<trace::InMemoryExporter>(); };
  auto rt = setup_tracing(loaded.loaded->config.tracing, topts);
  ASSERT_TRUE(rt) << rt.error().message;
  auto& provider = (*rt)->provider();
  EXPECT_EQ(sampled_of(provider, 100), 0);

  LiveConfig live(options, *loaded.loaded, rt->get());
  std::vector<std::string> seen_levels;
  live.on_live_change = [&](const config::Config& c) { seen_levels.push_back(c.log.level); };

  auto same = live.reload();
  EXPECT_TRUE(same.ok);
  EXPECT_TRUE(same.applied.empty());
  EXPECT_TRUE(same.restart.empty());

  dir.write("argus.yaml",
            "secrets:\n  system: [0123456789abcdef-secret]\n"
            "log:\n  level: debug\n"
            "tracing:\n  provider: otel\n  service_name: after\n"
            "  providers:\n    otlp:\n      sampling:\n        sampling_ratio: 1\n");
  auto report = live.reload();
  ASSERT_TRUE(report.ok);
  EXPECT_EQ(report.applied, (std::vector<std::string>{
                                "log.level", "tracing.providers.otlp.sampling.sampling_ratio"}));
  EXPECT_EQ(report.restart, std::vector<std::string>{"tracing.service_name"});
  EXPECT_EQ(seen_levels, std::vector<std::string>{"debug"});
  EXPECT_EQ(live.config().log.level, "debug");
  EXPECT_EQ(live.config().tracing.service_name, "before") << "needs a restart";
  EXPECT_EQ(sampled_of(provider, 100), 100);

  // A broken file is rejected whole: nothing changes.
  dir.write("argus.yaml",
            "log:\n  level: debug\ntracing:\n  providers:\n    otlp:\n"
            "      sampling:\n        sampling_ratio: 1.5\n");
  auto rejected = live.reload();
  EXPECT_FALSE(rejected.ok);
  ASSERT_GE(rejected.messages.size(), 2u);
  EXPECT_NE(rejected.messages[0].find("sampling_ratio: expected a number from 0 to 1, got 1.5"),
            std::string::npos)
      << rejected.messages[0];
  EXPECT_EQ(sampled_of(provider, 100), 100);
  EXPECT_EQ(seen_levels.size(), 1u);
}

TEST(LiveConfig, LogFormatIsLive) {
  TempDir dir;
  config::LoadOptions options;
  options.files = {dir.write("argus.yaml", "secrets:\n  system: [0123456789abcdef-secret]\n")};
  auto loaded = config::load(options);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.loaded->config.log.format, "text");
  LiveConfig live(options, *loaded.loaded, nullptr);
  std::vector<std::string> seen;
  live.on_live_change = [&](const config::Config& c) { seen.push_back(c.log.format); };
  dir.write("argus.yaml", "secrets:\n  system: [0123456789abcdef-secret]\nlog:\n  format: json\n");
  auto report = live.reload();
  ASSERT_TRUE(report.ok);
  EXPECT_EQ(report.applied, std::vector<std::string>{"log.format"});
  EXPECT_TRUE(report.restart.empty());
  EXPECT_EQ(live.config().log.format, "json");
  EXPECT_EQ(seen, std::vector<std::string>{"json"});
}

TEST(LiveConfig, GeneratedDevSecretSurvivesReload) {
  config::LoadOptions options;
  options.dev = true;
  options.env = {{"TRACING_PROVIDER", ""}};
  auto loaded = config::load(options);
  ASSERT_TRUE(loaded.ok());
  LiveConfig live(options, *loaded.loaded, nullptr);
  auto report = live.reload();
  EXPECT_TRUE(report.ok);
  EXPECT_TRUE(report.restart.empty()) << report.restart.front();
}

}  // namespace
}  // namespace argus::cli
