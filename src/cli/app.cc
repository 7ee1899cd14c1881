// The CLI11 application: subcommands, and mapping of command-line errors to exit code 2.
#include <iostream>

#include "cli/commands.h"
#include "cli/common.h"

namespace argus::cli {

int run(int argc, const char* const* argv) {
  CLI::App app{
      "argus: an OAuth2 server for machine-to-machine clients that speaks Ory Hydra's client "
      "and token APIs and configuration, traced end to end.",
      "argus"};
  app.require_subcommand(1);
  app.fallthrough(false);
  int exit_code = kExitOk;
  register_serve(app, exit_code);
  register_migrate(app, exit_code);
  register_janitor(app, exit_code);
  register_clients(app, exit_code);
  register_token(app, exit_code);
  register_config(app, exit_code);
  register_version(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace argus::cli
