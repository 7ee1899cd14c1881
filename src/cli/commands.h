// Registration of each argus subcommand on the CLI11 application. Each sets `exit_code` when it
// runs.
#pragma once

#include <CLI/CLI.hpp>

namespace argus::cli {

void register_serve(CLI::App& app, int& exit_code);
void register_migrate(CLI::App& app, int& exit_code);
void register_janitor(CLI::App& app, int& exit_code);
void register_config(CLI::App& app, int& exit_code);
void register_clients(CLI::App& app, int& exit_code);
void register_token(CLI::App& app, int& exit_code);
void register_version(CLI::App& app, int& exit_code);

// Builds the application and runs the command line; returns the process exit code.
int run(int argc, const char* const* argv);

}  // namespace argus::cli
