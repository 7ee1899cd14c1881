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
  int exit_code = kExitOk;
  auto loaded = load_database_config(args.flags, args.dsn, exit_code, std::cerr);
  if (!loaded) return exit_code;
  const std::string& dsn = loaded->dsn;
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
