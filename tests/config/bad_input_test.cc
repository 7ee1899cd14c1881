// Every bad input of the issue: each gives exactly one clear, one-line error naming the key, the
// source and what was expected, and no configuration at all (never half-applied).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/loader.h"
#include "config/test_files.h"

namespace argus::config {
namespace {

using argus::testing::TempDir;

std::vector<std::string> errors_of(const LoadOptions& o) {
  auto r = load(o);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(r.loaded.has_value()) << "never half-applied";
  std::vector<std::string> out;
  for (const auto& e : r.errors) {
    std::string line = e.to_string();
    EXPECT_EQ(line.find('\n'), std::string::npos) << line;
    out.push_back(line);
  }
  return out;
}

std::string one_error(const LoadOptions& o) {
  auto errors = errors_of(o);
  EXPECT_EQ(errors.size(), 1u) << ::testing::PrintToString(errors);
  return errors.empty() ? "" : errors[0];
}

LoadOptions with_file(const std::string& path) {
  LoadOptions o;
  o.require_secrets = false;
  o.files = {path};
  return o;
}

LoadOptions with_env(std::string name, std::string value) {
  LoadOptions o;
  o.require_secrets = false;
  o.env = {{std::move(name), std::move(value)}};
  return o;
}

TEST(ConfigBadInput, MissingFile) {
  TempDir dir;
  std::string p = dir.path() + "/nope.yaml";
  EXPECT_EQ(one_error(with_file(p)), p + ": cannot read config file: No such file or directory");
}

TEST(ConfigBadInput, DirectoryInsteadOfFile) {
  TempDir dir;
  EXPECT_EQ(one_error(with_file(dir.path())),
            dir.path() + ": cannot read config file: it is a directory");
}

TEST(ConfigBadInput, PathThroughAFileIsUnreadable) {
  TempDir dir;
  std::string p = dir.write("f.yaml", "log: {}\n") + "/x.yaml";
  EXPECT_EQ(one_error(with_file(p)), p + ": cannot read config file: Not a directory");
}

TEST(ConfigBadInput, FileWithoutReadPermission) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file regardless of its mode";
  TempDir dir;
  std::string p = dir.write("locked.yaml", "log:\n  level: debug\n");
  ASSERT_EQ(::chmod(p.c_str(), 0), 0);
  EXPECT_EQ(one_error(with_file(p)), p + ": cannot read config file: Permission denied");
}

TEST(ConfigBadInput, EmptyFiles) {
  TempDir dir;
  for (const char* text : {"", "   \n\n", "# only a comment\n"}) {
    std::string p = dir.write("empty.yaml", text);
    EXPECT_EQ(one_error(with_file(p)),
              p + ": config file is empty (expected a mapping of keys such as tracing:)");
  }
}

TEST(ConfigBadInput, YamlSyntaxErrorHasLineAndColumn) {
  TempDir dir;
  std::string p =
      dir.write("bad.yaml", "tracing:\n  provider: jaeger\n  service_name: [unclosed\n");
  std::string e = one_error(with_file(p));
  EXPECT_TRUE(e.starts_with(p + ":4:1: YAML syntax error: ")) << e;
  std::string p2 = dir.write("bad2.yaml", "tracing:\n  provider: jaeger\n bad_indent: 1\n");
  std::string e2 = one_error(with_file(p2));
  EXPECT_TRUE(e2.starts_with(p2 + ":3:")) << e2;
  EXPECT_NE(e2.find("YAML syntax error"), std::string::npos) << e2;
}

TEST(ConfigBadInput, JsonSyntaxErrorHasLineAndColumn) {
  TempDir dir;
  std::string p = dir.write("bad.json", "{\n  \"tracing\": {\"provider\": \"jaeger\",}\n}\n");
  std::string e = one_error(with_file(p));
  EXPECT_TRUE(e.starts_with(p + ":2:36: JSON syntax error: ")) << e;
}

TEST(ConfigBadInput, DuplicateKeys) {
  TempDir dir;
  std::string p = dir.write("dup.yaml", "tracing:\n  provider: jaeger\n  provider: zipkin\n");
  EXPECT_EQ(one_error(with_file(p)), p + ":3:3: tracing.provider: duplicate key (first at line 2)");
  std::string j = dir.write("dup.json", "{\"log\": {\"level\": \"info\",\n \"level\": \"debug\"}}");
  EXPECT_EQ(one_error(with_file(j)), j + ":2:2: log.level: duplicate key (first at line 1)");
}

TEST(ConfigBadInput, WrongTypeInEnvironment) {
  EXPECT_EQ(one_error(with_env("TRACING_PROVIDERS_OTLP_INSECURE", "maybe")),
            "env TRACING_PROVIDERS_OTLP_INSECURE: tracing.providers.otlp.insecure: expected a "
            "boolean (true or false), got \"maybe\"");
  EXPECT_EQ(one_error(with_env("SERVE_PUBLIC_PORT", "http")),
            "env SERVE_PUBLIC_PORT: serve.public.port: expected an integer from 1 to 65535, got "
            "\"http\"");
  EXPECT_EQ(one_error(with_env("TRACING_BATCH", "not json")).substr(0, 52),
            "env TRACING_BATCH: tracing.batch: expected an object");
}

TEST(ConfigBadInput, WrongTypeInFile) {
  TempDir dir;
  std::string p = dir.write("t.yaml", "serve:\n  public:\n    port: \"4444\"\n");
  EXPECT_EQ(one_error(with_file(p)),
            p + ":3:11: serve.public.port: expected an integer from 1 to 65535, got string "
                "\"4444\"");
  std::string q = dir.write("u.yaml", "tracing:\n  service_name: [a, b]\n");
  EXPECT_EQ(one_error(with_file(q)),
            q + ":2:17: tracing.service_name: expected a string, got an array");
  std::string r = dir.write("v.yaml", "tracing: jaeger\n");
  EXPECT_EQ(one_error(with_file(r)),
            r + ":1:10: tracing: expected a mapping of keys (an object), got a scalar");
}

TEST(ConfigBadInput, RatiosOutOfRange) {
  TempDir dir;
  for (const char* v : {"1.5", "-1"}) {
    std::string p = dir.write("r.yaml", std::string("tracing:\n  providers:\n    jaeger:\n"
                                                    "      sampling:\n        trace_id_ratio: ") +
                                            v + "\n");
    EXPECT_EQ(one_error(with_file(p)),
              p +
                  ":5:25: tracing.providers.jaeger.sampling.trace_id_ratio: expected a number "
                  "from 0 to 1, got " +
                  v);
    EXPECT_EQ(one_error(with_env("TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO", v)),
              std::string("env TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO: "
                          "tracing.providers.otlp.sampling.sampling_ratio: expected a number from "
                          "0 to 1, got ") +
                  v);
  }
}

TEST(ConfigBadInput, PortsOutOfRange) {
  for (const char* v : {"0", "65536", "-1"}) {
    EXPECT_EQ(one_error(with_env("SERVE_ADMIN_PORT", v)),
              std::string("env SERVE_ADMIN_PORT: serve.admin.port: expected an integer from 1 to "
                          "65535, got ") +
                  v);
  }
}

TEST(ConfigBadInput, AddressWithoutPort) {
  for (const char* v : {"jaeger", "jaeger:", ":6831", "jaeger:99999", "http://jaeger:6831"}) {
    EXPECT_EQ(one_error(with_env("TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", v)),
              std::string("env TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS: "
                          "tracing.providers.jaeger.local_agent_address: expected host:port with a "
                          "port from 1 to 65535, such as jaeger:6831, got string \"") +
                  v + "\"");
  }
  LoadOptions ok = with_env("TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", "[::1]:6831");
  EXPECT_TRUE(load(ok).ok());
}

TEST(ConfigBadInput, MalformedUrls) {
  EXPECT_EQ(
      one_error(with_env("TRACING_PROVIDERS_ZIPKIN_SERVER_URL", "zipkin:9411/api")),
      "env TRACING_PROVIDERS_ZIPKIN_SERVER_URL: tracing.providers.zipkin.server_url: "
      "expected an http(s) URL such as http://host:port/path, got string \"zipkin:9411/api\"");
  EXPECT_EQ(one_error(with_env("TRACING_PROVIDERS_OTLP_SERVER_URL", "ftp://x:1")),
            "env TRACING_PROVIDERS_OTLP_SERVER_URL: tracing.providers.otlp.server_url: expected "
            "host:port (such as collector:4318) or an http(s) URL, got string \"ftp://x:1\"");
}

TEST(ConfigBadInput, BadEnumNamesSupportedValues) {
  EXPECT_EQ(one_error(with_env("TRACING_PROVIDER", "jeager")),
            "env TRACING_PROVIDER: tracing.provider: expected one of \"\", jaeger, zipkin, otel, "
            "console; got string \"jeager\"");
  EXPECT_EQ(one_error(with_env("TRACING_PROPAGATORS", "tracecontext,xray")),
            "env TRACING_PROPAGATORS: tracing.propagators: item 1: expected one of tracecontext, "
            "baggage, b3, b3multi, jaeger; got string \"xray\"");
}

TEST(ConfigBadInput, UnknownKeys) {
  TempDir dir;
  std::string p = dir.write("k.yaml", "tracing:\n  provder: jaeger\n  colour: blue\nfoo: 1\n");
  auto errors = errors_of(with_file(p));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], p + ":2:3: tracing.provder: unknown key; did you mean tracing.provider?");
  EXPECT_TRUE(errors[1].starts_with(p + ":3:3: tracing.colour: unknown key; expected one of "
                                        "provider, service_name"))
      << errors[1];
  EXPECT_TRUE(errors[2].starts_with(p + ":4:1: foo: unknown key")) << errors[2];
  LoadOptions f;
  f.require_secrets = false;
  f.flags = {{"tracing.nope", "1", ""}};
  EXPECT_EQ(one_error(f),
            "flag --set tracing.nope: tracing.nope: unknown key (see `argus config schema`)");
}

TEST(ConfigBadInput, SecretsAreCheckedButNeverEchoed) {
  LoadOptions o;
  o.env = {{"SECRETS_SYSTEM", "short-pw"}};
  std::string e = one_error(o);
  EXPECT_EQ(e,
            "env SECRETS_SYSTEM: secrets.system: item 0: expected at least 16 characters, got 8");
  EXPECT_EQ(e.find("short-pw"), std::string::npos);
  LoadOptions missing;
  EXPECT_EQ(one_error(missing),
            "default: secrets.system: required: at least one secret of 16 or more characters (e.g. "
            "the environment variable SECRETS_SYSTEM), or run with --dev");
  LoadOptions dsn = with_env("DSN", "oracle://user:topsecret@db/x");
  std::string d = one_error(dsn);
  EXPECT_EQ(d.find("topsecret"), std::string::npos) << d;
}

TEST(ConfigBadInput, CrossKeyRules) {
  LoadOptions o;
  o.require_secrets = false;
  o.env = {{"TRACING_BATCH_MAX_QUEUE_SIZE", "100"}};
  EXPECT_EQ(one_error(o),
            "default: tracing.batch.max_export_batch_size: expected at most "
            "tracing.batch.max_queue_size (100), got 512");
  o.env = {{"TRACING_PROVIDERS_JAEGER_SAMPLING_TYPE", "probabilistic"},
           {"TRACING_PROVIDERS_JAEGER_SAMPLING_VALUE", "2"}};
  EXPECT_EQ(one_error(o),
            "env TRACING_PROVIDERS_JAEGER_SAMPLING_VALUE: tracing.providers.jaeger.sampling.value: "
            "expected a probability from 0 to 1 for sampling.type probabilistic, got 2");
  o.env = {{"TTL_ACCESS_TOKEN", "1hour"}};
  EXPECT_EQ(one_error(o),
            "env TTL_ACCESS_TOKEN: ttl.access_token: expected a positive duration such as 30s, 5m "
            "or 1h, got string \"1hour\"");
}

TEST(ConfigBadInput, AllErrorsOfAllSourcesAreReportedTogether) {
  TempDir dir;
  LoadOptions o;
  o.require_secrets = false;
  o.files = {dir.write("a.yaml", "log:\n  level: loud\n"), dir.path() + "/missing.yaml"};
  o.flags = {{"serve.public.port", "0", ""}};
  o.env = {{"TRACING_PROVIDERS_OTLP_INSECURE", "maybe"}};
  auto errors = errors_of(o);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_TRUE(errors[0].starts_with(o.files[0] + ":2:10: log.level: expected one of")) << errors[0];
  EXPECT_TRUE(errors[1].starts_with(o.files[1] + ": cannot read")) << errors[1];
  EXPECT_TRUE(errors[2].starts_with("flag --set serve.public.port: ")) << errors[2];
  EXPECT_TRUE(errors[3].starts_with("env TRACING_PROVIDERS_OTLP_INSECURE: ")) << errors[3];
}

}  // namespace
}  // namespace argus::config
