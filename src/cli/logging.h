// The process's log settings (spdlog): level and format from config::LogSettings. Both can
// change at run time (SIGHUP).
#pragma once

#include "config/config.h"

namespace argus::cli {

void apply_log_settings(const config::LogSettings& log);

}  // namespace argus::cli
