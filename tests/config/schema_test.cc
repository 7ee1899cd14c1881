// The embedded schema is the single source of truth: it parses, names every Config field, gives
// every key a unique environment variable, description and example, and the generated help
// lists every tracing key.
#include "config/schema.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "config/render.h"
#include "config/values.h"

namespace argus::config {
namespace {

TEST(ConfigSchema, EmbeddedSchemaIsCompleteAndConsistent) {
  const Schema& s = Schema::embedded();
  boost::system::error_code ec;
  auto doc = boost::json::parse(s.text(), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(doc.at("$schema").as_string(), "http://json-schema.org/draft-07/schema#");
  ASSERT_GE(s.leaves().size(), 39u);
  for (const SchemaNode* leaf : s.leaves()) {
    EXPECT_FALSE(leaf->description.empty()) << leaf->path;
    EXPECT_FALSE(leaf->examples.empty()) << leaf->path;
    EXPECT_EQ(s.find_env(leaf->env_var()), leaf) << leaf->path;
    for (const auto& ex : leaf->examples) {
      EXPECT_EQ(check_value(*leaf, ex), std::nullopt) << leaf->path << " example is invalid";
    }
    if (!leaf->default_value.is_null()) {
      EXPECT_EQ(check_value(*leaf, leaf->default_value), std::nullopt) << leaf->path;
    }
    if (!leaf->alias_of.empty()) {
      EXPECT_NE(s.find(leaf->alias_of), nullptr) << leaf->path;
    }
  }
  EXPECT_EQ(s.find_env("TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS")->path,
            "tracing.providers.jaeger.local_agent_address");
  EXPECT_EQ(s.find_env("SECRETS_SYSTEM")->path, "secrets.system");
  EXPECT_EQ(s.find_env("DSN")->path, "dsn");
  EXPECT_EQ(s.find_env("PATH"), nullptr);
}

TEST(ConfigSchema, AmbiguousEnvironmentNamesAreRejected) {
  std::string error;
  auto s = Schema::parse(R"({"type":"object","properties":{
      "a_b":{"type":"string"},
      "a":{"type":"object","properties":{"b":{"type":"string"}}}}})",
                         &error);
  EXPECT_EQ(s, nullptr);
  EXPECT_NE(error.find("share the variable A_B"), std::string::npos) << error;
}

TEST(ConfigSchema, DebugControlsListEveryTracingSetting) {
  const Schema& s = Schema::embedded();
  std::string help = render_debug_controls(s);
  EXPECT_TRUE(help.starts_with("DEBUG CONTROLS\n")) << help.substr(0, 40);
  std::size_t tracing_keys = 0;
  for (const SchemaNode* leaf : s.leaves()) {
    if (!leaf->path.starts_with("tracing.")) {
      EXPECT_EQ(help.find("\n" + leaf->path + "\n"), std::string::npos) << leaf->path;
      continue;
    }
    ++tracing_keys;
    EXPECT_NE(help.find(leaf->path), std::string::npos) << leaf->path;
    EXPECT_NE(help.find("env:      " + leaf->env_var() + "\n"), std::string::npos) << leaf->path;
  }
  EXPECT_GE(tracing_keys, 25u);
  EXPECT_NE(help.find("example:  TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS=jaeger:6831"),
            std::string::npos);
  EXPECT_NE(help.find("values:   one of: \"\" (disabled), jaeger, zipkin, otel, console"),
            std::string::npos);
  EXPECT_NE(help.find("values:   number from 0 to 1"), std::string::npos);
}

TEST(ConfigSchema, MarkdownHasARowPerKey) {
  const Schema& s = Schema::embedded();
  std::string md = render_markdown(s);
  for (const SchemaNode* leaf : s.leaves()) {
    EXPECT_NE(md.find("| `" + leaf->path + "` | `" + leaf->env_var() + "` |"), std::string::npos)
        << leaf->path;
  }
  EXPECT_EQ(md, render_markdown(s)) << "deterministic";
}

TEST(ConfigValues, DurationsAsGoWritesThem) {
  using std::chrono::nanoseconds;
  EXPECT_EQ(parse_duration("1h30m"), nanoseconds(5400'000'000'000));
  EXPECT_EQ(parse_duration("500ms"), nanoseconds(500'000'000));
  EXPECT_EQ(parse_duration("1.5s"), nanoseconds(1'500'000'000));
  EXPECT_EQ(parse_duration("10us"), nanoseconds(10'000));
  EXPECT_EQ(parse_duration("0"), nanoseconds(0));
  for (const char* bad : {"", "1", "s", "1x", "-1s", "1h 30m", "1hour"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(ConfigValues, DsnMasking) {
  EXPECT_EQ(mask_dsn("postgres://u:p@h:5432/db?sslmode=disable"),
            "postgres://u:***@h:5432/db?sslmode=disable");
  EXPECT_EQ(mask_dsn("mysql://u:p/w@tcp(h:3306)/db"), "mysql://u:***@tcp(h:3306)/db");
  EXPECT_EQ(mask_dsn("sqlite://./argus.db?_fk=true"), "sqlite://./argus.db?_fk=true");
  EXPECT_EQ(mask_dsn("postgres://h/db?user=u&password=pw"), "postgres://h/db?user=u&password=***");
  EXPECT_EQ(mask_dsn("memory"), "memory");
}

}  // namespace
}  // namespace argus::config
