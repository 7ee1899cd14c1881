// Maps Ory's log levels and formats onto spdlog.
#include "cli/logging.h"

#include <spdlog/spdlog.h>

namespace argus::cli {

void apply_log_settings(const config::LogSettings& log) {
  spdlog::level::level_enum level = spdlog::level::info;
  const std::string& l = log.level;
  if (l == "trace")
    level = spdlog::level::trace;
  else if (l == "debug")
    level = spdlog::level::debug;
  else if (l == "warn" || l == "warning")
    level = spdlog::level::warn;
  else if (l == "error")
    level = spdlog::level::err;
  else if (l == "fatal" || l == "panic")
    level = spdlog::level::critical;
  spdlog::set_level(level);
  if (log.format == "json" || log.format == "json_pretty") {
    spdlog::set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  }
}

}  // namespace argus::cli
