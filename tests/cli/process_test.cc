// The argus executable as operators run it: exit codes, one-line errors on stderr, the help's
// DEBUG CONTROLS section, config show/check/schema.
#include "cli/process.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "config/test_files.h"

namespace argus::testing {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Bad configuration: exit 2, each problem on one "error:" line, then the summary.
void expect_config_error(const ProcessResult& r, const std::string& expected_error) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto l = lines(r.err);
  ASSERT_EQ(l.size(), 2u) << r.err;
  EXPECT_EQ(l[0], "error: " + expected_error);
  EXPECT_EQ(l[1], "argus: the configuration has 1 error; nothing was started");
  EXPECT_EQ(r.out, "");
}

TEST(ArgusProcess, ServeHelpEndsWithDebugControls) {
  auto r = argus({"serve", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto pos = r.out.find("DEBUG CONTROLS\n==============");
  ASSERT_NE(pos, std::string::npos) << r.out;
  EXPECT_LT(r.out.find("--dev"), pos) << "the flags come first";
  for (const char* env :
       {"TRACING_PROVIDER\n", "TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS\n",
        "TRACING_PROVIDERS_JAEGER_SAMPLING_SERVER_URL\n",
        "TRACING_PROVIDERS_JAEGER_SAMPLING_TRACE_ID_RATIO\n",
        "TRACING_PROVIDERS_ZIPKIN_SERVER_URL\n", "TRACING_PROVIDERS_OTLP_SERVER_URL\n",
        "TRACING_PROVIDERS_OTLP_INSECURE\n", "TRACING_PROVIDERS_OTLP_AUTHORIZATION_HEADER\n",
        "TRACING_PROPAGATORS\n", "TRACING_BATCH_SCHEDULE_DELAY\n"}) {
    EXPECT_NE(r.out.find(env, pos), std::string::npos) << env;
  }
  EXPECT_EQ(r.out.find("DSN\n", pos), std::string::npos) << "only tracing settings";
}

TEST(ArgusProcess, Version) {
  auto r = argus({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("argus ")) << r.out;
}

TEST(ArgusProcess, UsageErrorsExitTwo) {
  EXPECT_EQ(argus({}).exit_code, 2);
  EXPECT_EQ(argus({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(argus({"serve", "sideways"}).exit_code, 2);
  auto r = argus({"serve", "--set", "novalue"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("error: flag --set novalue: expected KEY=VALUE"), std::string::npos)
      << r.err;
}

TEST(ArgusProcess, BadConfigurationStopsServeWithExitTwo) {
  TempDir dir;
  std::string missing = dir.path() + "/missing.yaml";
  expect_config_error(argus({"serve", "-c", missing}),
                      missing + ": cannot read config file: No such file or directory");
  expect_config_error(argus({"serve", "--dev"}, {{"TRACING_PROVIDERS_OTLP_INSECURE", "maybe"}}),
                      "env TRACING_PROVIDERS_OTLP_INSECURE: tracing.providers.otlp.insecure: "
                      "expected a boolean (true or false), got \"maybe\"");
  std::string empty = dir.write("empty.yaml", "");
  expect_config_error(
      argus({"serve", "all", "-c", empty}),
      empty + ": config file is empty (expected a mapping of keys such as tracing:)");
  std::string yaml = dir.write("bad.yaml", "tracing:\n  provider: [jaeger\n");
  auto r = argus({"serve", "-c", yaml, "--dev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("error: " + yaml + ":3:1: YAML syntax error"), std::string::npos) << r.err;
  std::string dup = dir.write("dup.yaml", "log:\n  level: info\n  level: debug\n");
  expect_config_error(argus({"serve", "-c", dup, "--dev"}),
                      dup + ":3:3: log.level: duplicate key (first at line 2)");
  std::string ratio = dir.write("ratio.yaml",
                                "tracing:\n  providers:\n    zipkin:\n      sampling:\n"
                                "        sampling_ratio: 1.5\n");
  expect_config_error(argus({"serve", "-c", ratio, "--dev"}),
                      ratio +
                          ":5:25: tracing.providers.zipkin.sampling.sampling_ratio: expected a "
                          "number from 0 to 1, got 1.5");
  expect_config_error(
      argus({"serve", "--dev"}, {{"TRACING_PROVIDERS_JAEGER_SAMPLING_TRACE_ID_RATIO", "-1"}}),
      "env TRACING_PROVIDERS_JAEGER_SAMPLING_TRACE_ID_RATIO: "
      "tracing.providers.jaeger.sampling.trace_id_ratio: expected a number from 0 "
      "to 1, got -1");
  expect_config_error(
      argus({"serve", "--dev", "--set", "serve.admin.port=70000"}),
      "flag --set serve.admin.port: serve.admin.port: expected an integer from 1 to "
      "65535, got 70000");
  expect_config_error(
      argus({"serve", "--dev"}, {{"TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", "jaeger"}}),
      "env TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS: "
      "tracing.providers.jaeger.local_agent_address: expected host:port with a port "
      "from 1 to 65535, such as jaeger:6831, got string \"jaeger\"");
  expect_config_error(
      argus({"serve"}, {{"TRACING_PROVIDER", "datadog"}, {"SECRETS_SYSTEM", "0123456789abcdefgh"}}),
      "env TRACING_PROVIDER: tracing.provider: expected one of \"\", jaeger, zipkin, "
      "otel, console; got string \"datadog\"");
  expect_config_error(
      argus({"serve"}),
      "default: secrets.system: required: at least one secret of 16 or more "
      "characters (e.g. the environment variable SECRETS_SYSTEM), or run with --dev");
}

TEST(ArgusProcess, ConfigShowWithHydraEnvironmentBlock) {
  Env env = {{"TRACING_PROVIDER", "jaeger"},
             {"TRACING_PROVIDERS_JAEGER_SAMPLING_SERVER_URL", "http://jaeger:5778/sampling"},
             {"TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", "jaeger:6831"},
             {"TRACING_PROVIDERS_JAEGER_SAMPLING_TRACE_ID_RATIO", "1"},
             {"TRACING_PROVIDERS_ZIPKIN_SERVER_URL", "http://zipkin:9411/api/v2/spans"},
             {"TRACING_PROVIDERS_OTLP_INSECURE", "true"},
             {"TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO", "1.0"},
             {"TRACING_PROVIDERS_OTLP_SERVER_URL", "otel-collector:4318"},
             {"DSN", "postgres://hydra:secret@postgresd:5432/hydra?sslmode=disable"}};
  auto r = argus({"config", "show"}, env);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto has = [&](const std::string& key, const std::string& value, const std::string& source) {
    for (const auto& l : lines(r.out)) {
      if (l.starts_with(key + ": " + value + " ") && l.ends_with("# " + source)) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("tracing.provider", "jaeger", "env TRACING_PROVIDER")) << r.out;
  EXPECT_TRUE(has("tracing.providers.jaeger.local_agent_address", "jaeger:6831",
                  "env TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS"))
      << r.out;
  EXPECT_TRUE(has("tracing.providers.jaeger.sampling.server_url", "http://jaeger:5778/sampling",
                  "env TRACING_PROVIDERS_JAEGER_SAMPLING_SERVER_URL"))
      << r.out;
  EXPECT_TRUE(
      has("tracing.providers.otlp.insecure", "true", "env TRACING_PROVIDERS_OTLP_INSECURE"));
  EXPECT_TRUE(has("tracing.service_name", "Argus", "default")) << r.out;
  EXPECT_TRUE(has("dsn", "postgres://hydra:***@postgresd:5432/hydra?sslmode=disable", "env DSN"))
      << r.out;
  EXPECT_EQ(r.out.find("secret@"), std::string::npos);
  auto j = argus({"config", "show", "--format", "json"}, env);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  auto doc = boost::json::parse(j.out);
  EXPECT_EQ(
      doc.at("tracing.providers.jaeger.sampling.trace_id_ratio").at("value").to_number<double>(),
      1.0);
}

TEST(ArgusProcess, ConfigCheckAndSchema) {
  TempDir dir;
  std::string good = dir.write("good.yaml", "tracing:\n  provider: zipkin\n");
  std::string bad =
      dir.write("bad.json", "{\"tracing\": {\"provider\": \"jaeger\", \"span_name\": \"verb\"}}");
  auto ok = argus({"config", "check", good});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, good + ": ok\n");
  auto ko = argus({"config", "check", good, bad});
  EXPECT_EQ(ko.exit_code, 2);
  EXPECT_NE(ko.err.find("error: " + bad +
                        ":1:49: tracing.span_name: expected one of path, route; "
                        "got string \"verb\""),
            std::string::npos)
      << ko.err;
  auto schema = argus({"config", "schema"});
  EXPECT_EQ(schema.exit_code, 0);
  std::ifstream in(std::string(ARGUS_SOURCE_DIR) + "/src/config/schema.json");
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_EQ(schema.out, file.str()) << "the binary embeds src/config/schema.json";
}

#if ARGUS_TEST_HAVE_STORE
TEST(ArgusProcess, MigrateSql) {
  TempDir dir;
  std::string dsn = "sqlite://" + dir.path() + "/m.db";
  auto first = argus({"migrate", "sql", dsn});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(first.out.starts_with("Applied ")) << first.out;
  EXPECT_NE(first.out.find(" migration(s) to " + dsn + "\n"), std::string::npos) << first.out;
  EXPECT_NE(first.out, "Applied 0 migration(s) to " + dsn + "\n");
  auto again = argus({"migrate", "sql", dsn});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "Applied 0 migration(s) to " + dsn + "\n");
  // The DSN may also come from the configuration (here the environment).
  auto from_env = argus({"migrate", "sql"}, {{"DSN", dsn}});
  EXPECT_EQ(from_env.out, "Applied 0 migration(s) to " + dsn + "\n") << from_env.err;
  expect_config_error(argus({"migrate", "sql", "oracle://u:pw@x/db"}),
                      "argument DSN: dsn: expected memory, sqlite://FILE, postgres://... or "
                      "mysql://..., got a string (hidden)");
}
#endif

}  // namespace
}  // namespace argus::testing
