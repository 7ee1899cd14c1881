// `argus janitor [DSN]`: Hydra's `hydra janitor` for what argus stores: --tokens purges expired
// access tokens in batches (--batch-size rows per transaction, at most --limit rows per run),
// keeping those issued within --keep-if-younger. The DSN comes from the argument, or from the
// configuration (files, --set, the DSN environment variable), which -e/--read-from-env makes
// explicit. The run is traced with the configured tracing settings.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/tracing_setup.h"
#include "config/values.h"

#if ARGUS_HAVE_STORE
#include "store/janitor.h"
#include "store/store.h"
#endif

namespace argus::cli {
namespace {

struct JanitorArgs {
  ConfigFlags flags;
  std::string dsn;
  bool read_from_env = false;
  bool tokens = false;
  std::string keep_if_younger = "0s";
  std::int64_t batch_size = 100;
  std::int64_t limit = 100000;
};

// Hydra's checks, as usage errors.
bool check_args(const JanitorArgs& args, std::chrono::seconds* keep, std::ostream& err) {
  if (args.read_from_env && !args.dsn.empty()) {
    err << "error: give either a DSN argument or -e/--read-from-env, not both\n";
    return false;
  }
  if (args.batch_size <= 0 || args.limit <= 0) {
    err << "error: values for --limit and --batch-size must both be greater than 0\n";
    return false;
  }
  if (args.batch_size > args.limit) {
    err << "error: value for --batch-size must not be greater than value for --limit\n";
    return false;
  }
  auto parsed = config::parse_duration(args.keep_if_younger);
  if (!parsed || parsed->count() < 0) {
    err << "error: --keep-if-younger " << args.keep_if_younger
        << ": expected a duration such as 24h, 30m or 90s\n";
    return false;
  }
  *keep = std::chrono::duration_cast<std::chrono::seconds>(*parsed);
  return true;
}

#if ARGUS_HAVE_STORE
int purge(const JanitorArgs& args, const std::string& dsn, std::chrono::seconds keep,
          TracingRuntime& tracing) {
  store::StoreOptions store_options;
  store_options.tracer = &tracing.provider().tracer("argus.store");
  auto opened = store::open_store(dsn, store_options);
  if (!opened) {
    std::cerr << "error: opening " << config::mask_dsn(dsn) << ": " << opened.error().message
              << "\n";
    return kExitFailure;
  }
  trace::Tracer& tracer = tracing.provider().tracer("argus.janitor");
  trace::Span root = tracer.start_span("janitor", {.root = true});
  store::PurgeOptions options;
  options.keep_if_younger = keep;
  options.batch_size = static_cast<std::size_t>(args.batch_size);
  options.limit = static_cast<std::size_t>(args.limit);
  options.tracer = &tracer;
  store::CallContext ctx;
  if (root.context().is_valid()) ctx.parent = &root.context();
  auto report = store::purge_expired_tokens(**opened, options, ctx);
  root.end();
  if (report.error) {
    std::cerr << "error: purging access tokens in " << config::mask_dsn(dsn) << ": "
              << report.error->message << " (" << report.deleted
              << " deleted before the failure)\n";
    return kExitFailure;
  }
  std::cout << "Deleted " << report.deleted << " expired access token(s) in " << report.batches
            << " batch(es) from " << config::mask_dsn(dsn) << "\n";
  return kExitOk;
}
#endif

int run_janitor(const JanitorArgs& args) {
  std::chrono::seconds keep{0};
  if (!check_args(args, &keep, std::cerr)) return kExitUsage;
  int exit_code = kExitOk;
  auto loaded = load_database_config(args.flags, args.dsn, exit_code, std::cerr);
  if (!loaded) return exit_code;
  const config::Config& c = loaded->loaded.config;
  const std::string& dsn = loaded->dsn;
  if (dsn == "memory") {
    std::cerr << "error: the memory database lives inside one `argus serve` process; "
                 "there is nothing to clean up from outside\n";
    return kExitUsage;
  }
  return run_traced(c.tracing, [&](TracingRuntime& tracing) {
#if ARGUS_HAVE_STORE
    return purge(args, dsn, keep, tracing);
#else
    (void)tracing;
    std::cerr << "error: this build of argus has no store; cannot clean up "
              << config::mask_dsn(dsn) << "\n";
    return kExitFailure;
#endif
  });
}

}  // namespace

void register_janitor(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<JanitorArgs>();
  auto* janitor = app.add_subcommand(
      "janitor", "Clean the database of expired access tokens (like `hydra janitor`)");
  janitor->add_option(
      "DSN", args->dsn,
      "Database (postgres://..., mysql://..., sqlite://FILE); default: the configured dsn");
  janitor->add_flag("-e,--read-from-env", args->read_from_env,
                    "Read the DSN from the configuration: the DSN environment variable or the "
                    "config files");
  janitor->add_flag("--tokens", args->tokens,
                    "Purge expired access tokens (the only kind of record argus cleans up; also "
                    "the default)");
  janitor
      ->add_option("--keep-if-younger", args->keep_if_younger,
                   "Keep tokens issued less than this long ago, e.g. 24h, 30m")
      ->capture_default_str();
  janitor->add_option("--batch-size", args->batch_size, "Rows deleted per transaction")
      ->capture_default_str();
  janitor->add_option("--limit", args->limit, "Rows deleted per run at most")
      ->capture_default_str();
  add_config_flags(janitor, args->flags, false);
  janitor->callback([args, &exit_code] { exit_code = run_janitor(*args); });
}

}  // namespace argus::cli
