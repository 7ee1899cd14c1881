// `argus config show|schema|check|docs` and `argus version`.
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "config/render.h"
#include "config/schema.h"

namespace argus::cli {
namespace {

struct ShowArgs {
  ConfigFlags flags;
  std::string format = "text";
};

int run_show(const ShowArgs& args) {
  config::LoadOptions options;
  if (!make_load_options(args.flags, &options, std::cerr)) return kExitUsage;
  options.require_secrets = false;  // show what there is, even before secrets are set
  auto result = config::load(options);
  if (!result.ok()) return report_config_errors(result.errors, std::cerr);
  report_warnings(result.loaded->warnings, std::cerr);
  const auto& settings = result.loaded->settings;
  std::cout << (args.format == "json" ? config::render_effective_json(settings)
                                      : config::render_effective_text(settings));
  return kExitOk;
}

int run_check(const std::vector<std::string>& files) {
  config::LoadOptions options;
  options.files = files;
  options.require_secrets = false;  // a file may leave secrets to the environment
  auto result = config::load(options);
  if (!result.ok()) return report_config_errors(result.errors, std::cerr);
  report_warnings(result.loaded->warnings, std::cerr);
  for (const auto& f : files) std::cout << f << ": ok\n";
  return kExitOk;
}

int run_docs(const std::string& output) {
  std::string text = config::render_markdown(config::Schema::embedded());
  if (output.empty() || output == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "error: cannot write " << output << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void register_config(CLI::App& app, int& exit_code) {
  auto* config = app.add_subcommand("config", "Inspect and validate the configuration");
  config->require_subcommand(1);

  auto show_args = std::make_shared<ShowArgs>();
  auto* show = config->add_subcommand(
      "show", "Print the effective configuration, each value with its source (secrets masked)");
  add_config_flags(show, show_args->flags, true);
  show->add_option("--format", show_args->format, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  show->callback([show_args, &exit_code] { exit_code = run_show(*show_args); });

  auto* schema = config->add_subcommand("schema", "Print the configuration's JSON Schema");
  schema->callback([&exit_code] {
    std::cout << config::Schema::embedded().text();
    exit_code = kExitOk;
  });

  auto files = std::make_shared<std::vector<std::string>>();
  auto* check = config->add_subcommand(
      "check", "Validate config files (YAML or JSON) as they would be loaded together, in order");
  check->add_option("FILE", *files, "Config files")->required()->type_name("FILE");
  check->callback([files, &exit_code] { exit_code = run_check(*files); });

  auto output = std::make_shared<std::string>();
  auto* docs =
      config->add_subcommand("docs", "Print docs/configuration.md, generated from the schema");
  docs->add_option("-o,--output", *output, "Write to this file instead of standard output");
  docs->callback([output, &exit_code] { exit_code = run_docs(*output); });
}

void register_version(CLI::App& app, int& exit_code) {
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([&exit_code] {
    std::cout << "argus " << argus_version() << "\n";
    exit_code = kExitOk;
  });
}

}  // namespace argus::cli
