// Pieces shared by the argus subcommands: the configuration flags (-c, --set, --dev), loading
// with one-line errors and exit code 2, and the exit codes themselves.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/loader.h"

namespace argus::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure: unreachable server, store error
inline constexpr int kExitUsage = 2;    // bad configuration or command line

struct ConfigFlags {
  std::vector<std::string> files;
  std::vector<std::string> sets;
  bool dev = false;
};

// Adds -c/--config (repeatable) and --set KEY=VALUE (repeatable), and --dev when asked.
void add_config_flags(CLI::App* cmd, ConfigFlags& flags, bool with_dev);

// The load options for `flags` with the process environment. False (after printing one line
// per problem to `err`) when a --set is malformed.
bool make_load_options(const ConfigFlags& flags, config::LoadOptions* out, std::ostream& err);

// Prints each error on its own line, then a summary; returns kExitUsage.
int report_config_errors(const std::vector<config::ConfigError>& errors, std::ostream& err);

// Prints warnings, one per line.
void report_warnings(const std::vector<std::string>& warnings, std::ostream& err);

// The configuration of a command that works on a database (`migrate sql`, `janitor`): a DSN
// argument, when given, is validated like a flag and wins even over the DSN environment
// variable; secrets are not required. Empty, with `exit_code` set to kExitUsage after the errors
// are printed, when the configuration is unusable.
struct DatabaseCommandConfig {
  config::Loaded loaded;
  std::string dsn;  // the database to work on
};
std::optional<DatabaseCommandConfig> load_database_config(const ConfigFlags& flags,
                                                          const std::string& dsn_argument,
                                                          int& exit_code, std::ostream& err);

std::string argus_version();

}  // namespace argus::cli
