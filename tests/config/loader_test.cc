// The loader's happy paths: defaults, Ory's environment mapping (Hydra's own tracing block),
// precedence (defaults < files < flags < environment), merging and the legacy forms.
#include "config/loader.h"

#include <gtest/gtest.h>

#include "config/render.h"
#include "config/test_files.h"

namespace argus::config {
namespace {

using argus::testing::TempDir;

Loaded must_load(const LoadOptions& options) {
  auto r = load(options);
  std::string errors;
  for (const auto& e : r.errors) errors += e.to_string() + "\n";
  EXPECT_TRUE(r.ok()) << errors;
  return r.ok() ? *r.loaded : Loaded{};
}

LoadOptions no_secrets() {
  LoadOptions o;
  o.require_secrets = false;
  return o;
}

TEST(ConfigLoader, DefaultsMatchTheConfigStruct) {
  Loaded l = must_load(no_secrets());
  const Config d;
  const Config& c = l.config;
  EXPECT_EQ(c.serve_public.port, d.serve_public.port);
  EXPECT_EQ(c.serve_admin.port, d.serve_admin.port);
  EXPECT_EQ(c.serve_public.host, d.serve_public.host);
  EXPECT_FALSE(c.serve_io_batching);
  EXPECT_EQ(c.serve_idle_poll, d.serve_idle_poll);
  EXPECT_EQ(c.dsn, d.dsn);
  EXPECT_EQ(c.bcrypt_cost, d.bcrypt_cost);
  EXPECT_EQ(c.access_token_ttl, d.access_token_ttl);
  EXPECT_EQ(c.issuer, "http://localhost:4444/");
  EXPECT_EQ(c.log.level, d.log.level);
  EXPECT_EQ(c.log.format, d.log.format);
  EXPECT_EQ(c.log.leak_sensitive_values, d.log.leak_sensitive_values);
  const auto& t = c.tracing;
  const auto& dt = d.tracing;
  EXPECT_EQ(t.provider, "");
  EXPECT_EQ(t.service_name, "Argus");
  EXPECT_EQ(t.deployment_environment, dt.deployment_environment);
  EXPECT_EQ(t.jaeger.local_agent_address, dt.jaeger.local_agent_address);
  EXPECT_EQ(t.jaeger.sampling_server_url, dt.jaeger.sampling_server_url);
  EXPECT_EQ(t.jaeger.sampling_refresh_interval, dt.jaeger.sampling_refresh_interval);
  EXPECT_EQ(t.jaeger.sampling_type, "");
  EXPECT_EQ(t.zipkin.server_url, dt.zipkin.server_url);
  EXPECT_EQ(t.otlp.server_url, dt.otlp.server_url);
  EXPECT_EQ(t.otlp.insecure, dt.otlp.insecure);
  EXPECT_EQ(t.otlp.protocol, dt.otlp.protocol);
  EXPECT_EQ(t.otlp.compression, dt.otlp.compression);
  // Every sampling ratio defaults to 1, unlike some of Ory's.
  EXPECT_EQ(t.jaeger.sampling_trace_id_ratio, 1.0);
  EXPECT_EQ(t.jaeger.sampling_value, 1.0);
  EXPECT_EQ(t.zipkin.sampling_ratio, 1.0);
  EXPECT_EQ(t.otlp.sampling_ratio, 1.0);
  EXPECT_EQ(t.propagators, (std::vector<std::string>{"tracecontext", "baggage", "b3", "jaeger"}));
  EXPECT_EQ(t.skip_paths, std::vector<std::string>{"/health/*"});
  EXPECT_EQ(t.span_name, "path");
  EXPECT_EQ(t.batch.max_queue_size, dt.batch.max_queue_size);
  EXPECT_EQ(t.batch.max_export_batch_size, dt.batch.max_export_batch_size);
  EXPECT_EQ(t.batch.schedule_delay, dt.batch.schedule_delay);
  EXPECT_EQ(t.batch.export_timeout, dt.batch.export_timeout);
  EXPECT_EQ(l.settings.at("tracing.provider").source.kind, Source::Kind::kDefault);
}

TEST(ConfigLoader, IdlePollIsADurationOfAtMostAMillisecond) {
  LoadOptions o = no_secrets();
  EXPECT_EQ(must_load(o).config.serve_idle_poll, std::chrono::microseconds(20));
  o.env = {{"SERVE_IDLE_POLL", "50us"}};
  EXPECT_EQ(must_load(o).config.serve_idle_poll, std::chrono::microseconds(50));
  o.env = {{"SERVE_IDLE_POLL", "0"}};
  EXPECT_EQ(must_load(o).config.serve_idle_poll.count(), 0);
  for (const char* bad : {"2ms", "-1us", "fast"}) {
    o.env = {{"SERVE_IDLE_POLL", bad}};
    auto r = load(o);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.errors.front().to_string().find("serve.idle_poll"), std::string::npos) << bad;
  }
}

TEST(ConfigLoader, IoBatchingIsSwitchedOnByItsEnvironmentVariable) {
  LoadOptions o = no_secrets();
  o.env = {{"SERVE_IO_BATCHING", "true"}};
  EXPECT_TRUE(must_load(o).config.serve_io_batching);
  o.env = {{"SERVE_IO_BATCHING", "maybe"}};
  EXPECT_FALSE(load(o).ok());
}

// Hydra's quickstart-tracing environment block, unchanged.
TEST(ConfigLoader, HydraTracingEnvironmentBlockConfiguresArgus) {
  LoadOptions o = no_secrets();
  o.env = {{"TRACING_PROVIDER", "jaeger"},
           {"TRACING_PROVIDERS_JAEGER_SAMPLING_SERVER_URL", "http://jaeger:5778/sampling"},
           {"TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", "jaeger:6831"},
           {"TRACING_PROVIDERS_JAEGER_SAMPLING_TRACE_ID_RATIO", "1"},
           {"TRACING_PROVIDERS_ZIPKIN_SERVER_URL", "http://zipkin:9411/api/v2/spans"},
           {"TRACING_PROVIDERS_ZIPKIN_SAMPLING_SAMPLING_RATIO", "1"},
           {"TRACING_PROVIDERS_OTLP_INSECURE", "true"},
           {"TRACING_PROVIDERS_OTLP_SAMPLING_SAMPLING_RATIO", "1.0"},
           {"TRACING_PROVIDERS_OTLP_SERVER_URL", "otel-collector:4318"},
           {"TRACING_SERVICE_NAME", "Ory Hydra"},
           {"PATH", "/usr/bin"},  // unrelated variables are ignored
           {"HOME", "/root"}};
  Loaded l = must_load(o);
  const auto& t = l.config.tracing;
  EXPECT_EQ(t.provider, "jaeger");
  EXPECT_EQ(t.service_name, "Ory Hydra");
  EXPECT_EQ(t.jaeger.sampling_server_url, "http://jaeger:5778/sampling");
  EXPECT_EQ(t.jaeger.local_agent_address, "jaeger:6831");
  EXPECT_EQ(t.jaeger.sampling_trace_id_ratio, 1.0);
  EXPECT_EQ(t.zipkin.server_url, "http://zipkin:9411/api/v2/spans");
  EXPECT_EQ(t.zipkin.sampling_ratio, 1.0);
  EXPECT_TRUE(t.otlp.insecure);
  EXPECT_EQ(t.otlp.sampling_ratio, 1.0);
  EXPECT_EQ(t.otlp.server_url, "otel-collector:4318");
  const auto& src = l.settings.at("tracing.providers.jaeger.local_agent_address").source;
  EXPECT_EQ(src.to_string(), "env TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS");
}

TEST(ConfigLoader, ServiceSettingsFollowTheSameEnvironmentRule) {
  LoadOptions o;
  o.env = {{"DSN", "postgres://argus:pw@127.0.0.1:5432/argus"},
           {"SECRETS_SYSTEM", "0123456789abcdef0123,another-secret-0123456"},
           {"SERVE_PUBLIC_PORT", "8080"},
           {"SERVE_ADMIN_HOST", "127.0.0.1"},
           {"LOG_LEVEL", "debug"},
           {"LOG_LEAK_SENSITIVE_VALUES", "false"},
           {"TTL_ACCESS_TOKEN", "30m"},
           {"OAUTH2_HASHERS_BCRYPT_COST", "12"},
           {"URLS_SELF_ISSUER", "https://auth.example.com/"},
           {"TRACING_PROPAGATORS", "[\"b3\", \"tracecontext\"]"},
           {"TRACING_BATCH", "{\"max_queue_size\": 4096, \"schedule_delay\": \"250ms\"}"}};
  Loaded l = must_load(o);
  const Config& c = l.config;
  EXPECT_EQ(c.dsn, "postgres://argus:pw@127.0.0.1:5432/argus");
  EXPECT_EQ(c.secrets_system,
            (std::vector<std::string>{"0123456789abcdef0123", "another-secret-0123456"}));
  EXPECT_EQ(c.serve_public.port, 8080);
  EXPECT_EQ(c.serve_admin.host, "127.0.0.1");
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.access_token_ttl, std::chrono::minutes(30));
  EXPECT_EQ(c.bcrypt_cost, 12u);
  EXPECT_EQ(c.issuer, "https://auth.example.com/");
  EXPECT_EQ(c.tracing.propagators, (std::vector<std::string>{"b3", "tracecontext"}));
  EXPECT_EQ(c.tracing.batch.max_queue_size, 4096u);
  EXPECT_EQ(c.tracing.batch.schedule_delay, std::chrono::milliseconds(250));
  EXPECT_EQ(c.tracing.batch.max_export_batch_size, 512u)
      << "untouched keys of an object given as JSON keep their values";
}

TEST(ConfigLoader, PrecedenceDefaultsFilesFlagsEnvironment) {
  TempDir dir;
  LoadOptions o = no_secrets();
  o.files = {dir.write("a.yaml",
                       "log:\n  level: warn\n  format: json\n"
                       "tracing:\n  service_name: from-file\n  deployment_environment: file\n"
                       "  provider: zipkin\n")};
  o.flags = {{"log.level", "error", ""}, {"tracing.service_name", "from-flag", ""}};
  o.env = {{"TRACING_SERVICE_NAME", "from-env"}};
  Loaded l = must_load(o);
  EXPECT_EQ(l.config.log.format, "json");                      // file over default
  EXPECT_EQ(l.config.tracing.deployment_environment, "file");  // file over default
  EXPECT_EQ(l.config.log.level, "error");                      // flag over file
  EXPECT_EQ(l.config.tracing.service_name, "from-env");        // env over flag
  EXPECT_EQ(l.config.serve_public.port, 4444);                 // default
  EXPECT_EQ(l.settings.at("log.format").source.to_string(), o.files[0] + ":3:11");
  EXPECT_EQ(l.settings.at("log.level").source.to_string(), "flag --set log.level");
}

TEST(ConfigLoader, LaterFilesOverrideObjectsMergeArraysAreReplaced) {
  TempDir dir;
  LoadOptions o = no_secrets();
  o.files = {
      dir.write("base.yaml",
                "tracing:\n  provider: jaeger\n"
                "  propagators: [tracecontext, baggage, jaeger]\n"
                "  providers:\n    jaeger:\n      local_agent_address: agent:6831\n"),
      dir.write("override.json",
                "{\"tracing\": {\"propagators\": [\"b3\"],\n"
                "\t\"providers\": {\"jaeger\": {\"sampling\": {\"trace_id_ratio\": 0.25}}}}}\n")};
  Loaded l = must_load(o);
  const auto& t = l.config.tracing;
  EXPECT_EQ(t.provider, "jaeger");
  EXPECT_EQ(t.propagators, std::vector<std::string>{"b3"});
  EXPECT_EQ(t.jaeger.local_agent_address, "agent:6831");
  EXPECT_EQ(t.jaeger.sampling_trace_id_ratio, 0.25);
  EXPECT_EQ(l.settings.at("tracing.propagators").source.to_string(), o.files[1] + ":1:29");
}

// The seed page's short form: jaeger directly under tracing.
TEST(ConfigLoader, SeedShortFormMapsOntoProvidersJaeger) {
  TempDir dir;
  LoadOptions o = no_secrets();
  o.files = {dir.write("seed.yaml",
                       "tracing:\n"
                       "  provider: jaeger # use any of the supported tracing providers\n"
                       "  service_name: ory:kratos\n"
                       "  jaeger:\n"
                       "    local_agent_address: jaeger:6831\n"
                       "    server_url: http://jaeger:5778/sampling\n")};
  Loaded l = must_load(o);
  const auto& t = l.config.tracing;
  EXPECT_EQ(t.service_name, "ory:kratos");
  EXPECT_EQ(t.jaeger.local_agent_address, "jaeger:6831");
  EXPECT_EQ(t.jaeger.sampling_server_url, "http://jaeger:5778/sampling");
  EXPECT_EQ(t.jaeger.sampling_trace_id_ratio, 1.0);
  EXPECT_FALSE(l.warnings.empty()) << "legacy keys are pointed out";
  // The canonical key wins when both are given, in precedence order: env over file.
  o.env = {{"TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS", "other:6831"}};
  EXPECT_EQ(must_load(o).config.tracing.jaeger.local_agent_address, "other:6831");
}

// Ory's older form: sampling.type/value and propagation.
TEST(ConfigLoader, OryOlderJaegerFormIsHonoured) {
  TempDir dir;
  LoadOptions o = no_secrets();
  o.files = {dir.write("old.yaml",
                       "tracing:\n  provider: jaeger\n  providers:\n    jaeger:\n"
                       "      propagation: b3,w3c\n"
                       "      sampling:\n        type: probabilistic\n        value: 0.5\n"
                       "        server_url: http://jaeger:5778/sampling\n")};
  Loaded l = must_load(o);
  const auto& t = l.config.tracing;
  EXPECT_EQ(t.jaeger.sampling_type, "probabilistic");
  EXPECT_EQ(t.jaeger.sampling_value, 0.5);
  EXPECT_EQ(t.jaeger.sampling_server_url, "http://jaeger:5778/sampling");
  EXPECT_EQ(t.propagators, (std::vector<std::string>{"b3", "tracecontext"}));
  // An explicit tracing.propagators beats the legacy key.
  o.env = {{"TRACING_PROPAGATORS", "jaeger"}};
  EXPECT_EQ(must_load(o).config.tracing.propagators, std::vector<std::string>{"jaeger"});
}

TEST(ConfigLoader, DevModeDefaultsAndGeneratedSecret) {
  LoadOptions o;
  o.dev = true;
  Loaded l = must_load(o);
  EXPECT_TRUE(l.config.dev);
  EXPECT_TRUE(l.config.dsn.starts_with("sqlite://")) << l.config.dsn;
  EXPECT_EQ(l.config.tracing.provider, "console");
  ASSERT_EQ(l.config.secrets_system.size(), 1u);
  EXPECT_GE(l.config.secrets_system[0].size(), 16u);
  bool loud = false;
  for (const auto& w : l.warnings) loud = loud || w.find("generated a random") != std::string::npos;
  EXPECT_TRUE(loud);
  // Configured values still win over dev defaults.
  o.env = {{"TRACING_PROVIDER", ""}, {"DSN", "memory"}};
  Loaded l2 = must_load(o);
  EXPECT_EQ(l2.config.tracing.provider, "");
  EXPECT_EQ(l2.config.dsn, "memory");
  o.dev_secret = "a-fixed-dev-secret-0123";
  EXPECT_EQ(must_load(o).config.secrets_system[0], "a-fixed-dev-secret-0123");
}

TEST(ConfigLoader, ShowMasksSecretsAndNamesSources) {
  LoadOptions o;
  o.env = {{"DSN", "postgres://argus:hunter2secret@db:5432/argus"},
           {"SECRETS_SYSTEM", "super-secret-value-0001"},
           {"TRACING_PROVIDERS_OTLP_AUTHORIZATION_HEADER", "Bearer tok-123456"}};
  Loaded l = must_load(o);
  std::string text = render_effective_text(l.settings);
  std::string json = render_effective_json(l.settings);
  for (const std::string* s : {&text, &json}) {
    EXPECT_EQ(s->find("hunter2secret"), std::string::npos);
    EXPECT_EQ(s->find("super-secret-value"), std::string::npos);
    EXPECT_EQ(s->find("tok-123456"), std::string::npos);
  }
  EXPECT_NE(text.find("dsn: postgres://argus:***@db:5432/argus"), std::string::npos) << text;
  EXPECT_NE(text.find("# env SECRETS_SYSTEM"), std::string::npos) << text;
  EXPECT_NE(text.find("tracing.service_name: Argus"), std::string::npos) << text;
}

TEST(ConfigLoader, ReloadPlanSeparatesLiveFromRestart) {
  LoadOptions o = no_secrets();
  Loaded before = must_load(o);
  o.env = {{"TRACING_PROVIDERS_ZIPKIN_SAMPLING_SAMPLING_RATIO", "0.5"},
           {"LOG_LEVEL", "debug"},
           {"SERVE_PUBLIC_PORT", "9000"}};
  Loaded after = must_load(o);
  auto plan = plan_reload(before.settings, after.settings);
  EXPECT_EQ(plan.live, (std::vector<std::string>{
                           "log.level", "tracing.providers.zipkin.sampling.sampling_ratio"}));
  EXPECT_EQ(plan.restart, std::vector<std::string>{"serve.public.port"});
}

}  // namespace
}  // namespace argus::config
