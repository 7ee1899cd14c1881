// Loading the configuration: schema defaults < --dev defaults < config files (YAML or JSON, in
// order; later files override earlier ones, arrays are replaced) < flags < environment variables
// (Ory's mapping: TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS sets
// tracing.providers.jaeger.local_agent_address). The result is a finalized Config, or a list of
// errors, each one line naming the key, where the value came from and what was expected; a
// configuration is never half-applied.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace argus::config {

struct Source {
  enum class Kind { kDefault, kDevDefault, kGenerated, kFile, kFlag, kEnv };
  Kind kind = Kind::kDefault;
  std::string name;  // file path, flag, or environment variable
  int line = 0;      // files: 1-based; 0 when unknown
  int column = 0;
  // "default", "--dev default", "a.yaml:3:7", "flag --set log.level", "env LOG_LEVEL".
  std::string to_string() const;
};

struct ConfigError {
  std::string key;  // dotted key; empty for errors about a whole file
  Source source;
  std::string message;
  // "<source>: <key>: <message>", one line.
  std::string to_string() const;
};

// One effective value and where it came from.
struct Setting {
  boost::json::value value;
  Source source;
};
using Settings = std::map<std::string, Setting>;  // by canonical dotted key

// A configuration value given on the command line: --set key=value, or a dedicated flag or
// argument (e.g. the DSN argument of `migrate sql`), which names itself in `flag`.
struct FlagValue {
  std::string key;
  std::string value;
  std::string flag;  // how it was given, for messages; "--set <key>" when empty
};

struct LoadOptions {
  std::vector<std::string> files;
  std::vector<FlagValue> flags;
  std::map<std::string, std::string> env;  // usually process_environment()
  bool dev = false;
  // secrets.system must be set (except in dev mode, which generates one). `config check` and
  // `migrate` turn this off.
  bool require_secrets = true;
  // Dev mode reuses this secret instead of generating one (SIGHUP reloads keep the secret).
  std::string dev_secret;
};

struct Loaded {
  Config config;
  Settings settings;                  // every key with a value, canonical keys only
  std::vector<std::string> warnings;  // e.g. the generated dev secret, legacy keys
};

struct LoadResult {
  std::optional<Loaded> loaded;
  std::vector<ConfigError> errors;
  bool ok() const noexcept { return loaded.has_value(); }
};

LoadResult load(const LoadOptions& options);

// Parses "key=value" as given to --set; false if there is no '='.
bool parse_set_flag(const std::string& text, FlagValue* out);

// The process's environment as a map.
std::map<std::string, std::string> process_environment();

// What a reload changes: keys whose new value applies live, and keys that need a restart.
struct ReloadPlan {
  std::vector<std::string> live;
  std::vector<std::string> restart;
};
ReloadPlan plan_reload(const Settings& before, const Settings& after);

}  // namespace argus::config
