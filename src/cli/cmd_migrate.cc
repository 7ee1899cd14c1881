// `argus migrate sql [DSN]`: applies the database migrations. The DSN comes from the argument,
// or else from the configuration (files, --set, the DSN environment variable).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "config/values.h"

#if ARGUS_HAVE_STORE
#include "store/store.h"
#endif

namespace argus::cli {
namespace {

struct MigrateArgs {
  ConfigFlags flags;
  std::string dsn;
};

int run_migrate(const MigrateArgs& args) {
  config::LoadOptions options;
  if (!make_load_options(args.flags, &options, std::cerr)) return kExitUsage;
  options.require_secrets = false;
  if (!args.dsn.empty()) {
    // Validated like any flag; an explicit argument is what the operator means, so it is used
    // even when the DSN environment variable is set.
    options.flags.push_back({"dsn", args.dsn, "argument DSN"});
  }
  auto result = config::load(options);
  if (!result.ok()) return report_config_errors(result.errors, std::cerr);
  const std::string& dsn = args.dsn.empty() ? result.loaded->config.dsn : args.dsn;
#if ARGUS_HAVE_STORE
  auto applied = store::migrate(dsn);
  if (!applied) {
    std::cerr << "error: migrating " << config::mask_dsn(dsn) << ": " << applied.error().message
              << "\n";
    return kExitFailure;
  }
  std::cout << "Applied " << *applied << " migration(s) to " << config::mask_dsn(dsn) << "\n";
  return kExitOk;
#else
  std::cerr << "error: this build of argus has no store; cannot migrate " << config::mask_dsn(dsn)
            << "\n";
  return kExitFailure;
#endif
}

}  // namespace

void register_migrate(CLI::App& app, int& exit_code) {
  auto* migrate = app.add_subcommand("migrate", "Database migrations");
  migrate->require_subcommand(1);
  auto args = std::make_shared<MigrateArgs>();
  auto* sql = migrate->add_subcommand("sql", "Apply pending SQL migrations");
  sql->add_option(
      "DSN", args->dsn,
      "Database (postgres://..., mysql://..., sqlite://FILE); default: the configured dsn");
  add_config_flags(sql, args->flags, false);
  sql->callback([args, &exit_code] { exit_code = run_migrate(*args); });
}

}  // namespace argus::cli
