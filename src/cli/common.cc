// Shared subcommand helpers.
#include "cli/common.h"

namespace argus::cli {

void add_config_flags(CLI::App* cmd, ConfigFlags& flags, bool with_dev) {
  cmd->add_option("-c,--config", flags.files,
                  "Config file (YAML or JSON); repeatable, later files override earlier ones")
      ->type_name("FILE");
  cmd->add_option("--set", flags.sets,
                  "Set a config key, e.g. --set log.level=debug; repeatable; overrides files, "
                  "overridden by environment variables")
      ->type_name("KEY=VALUE");
  if (with_dev) {
    cmd->add_flag("--dev", flags.dev,
                  "Development mode: SQLite file database, automatic migration, a generated "
                  "secret and traces printed to the console. Never in production");
  }
}

bool make_load_options(const ConfigFlags& flags, config::LoadOptions* out, std::ostream& err) {
  out->files = flags.files;
  out->dev = flags.dev;
  out->env = config::process_environment();
  bool ok = true;
  for (const auto& s : flags.sets) {
    config::FlagValue f;
    if (!config::parse_set_flag(s, &f)) {
      err << "error: flag --set " << s << ": expected KEY=VALUE, e.g. --set log.level=debug\n";
      ok = false;
      continue;
    }
    out->flags.push_back(std::move(f));
  }
  return ok;
}

int report_config_errors(const std::vector<config::ConfigError>& errors, std::ostream& err) {
  for (const auto& e : errors) err << "error: " << e.to_string() << "\n";
  err << "argus: the configuration has " << errors.size() << " error"
      << (errors.size() == 1 ? "" : "s") << "; nothing was started\n";
  return kExitUsage;
}

void report_warnings(const std::vector<std::string>& warnings, std::ostream& err) {
  for (const auto& w : warnings) err << "warning: " << w << "\n";
}

std::optional<DatabaseCommandConfig> load_database_config(const ConfigFlags& flags,
                                                          const std::string& dsn_argument,
                                                          int& exit_code, std::ostream& err) {
  config::LoadOptions options;
  if (!make_load_options(flags, &options, err)) {
    exit_code = kExitUsage;
    return std::nullopt;
  }
  options.require_secrets = false;
  if (!dsn_argument.empty()) options.flags.push_back({"dsn", dsn_argument, "argument DSN"});
  auto result = config::load(options);
  if (!result.ok()) {
    exit_code = report_config_errors(result.errors, err);
    return std::nullopt;
  }
  report_warnings(result.loaded->warnings, err);
  std::string dsn = dsn_argument.empty() ? result.loaded->config.dsn : dsn_argument;
  return DatabaseCommandConfig{std::move(*result.loaded), std::move(dsn)};
}

std::string argus_version() {
#ifdef ARGUS_VERSION
  return ARGUS_VERSION;
#else
  return "0.0.0";
#endif
}

}  // namespace argus::cli
