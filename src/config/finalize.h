// Turning validated settings into the finalized Config: typed conversion, derived defaults
// (issuer), the legacy forms, and the checks that involve more than one key.
#pragma once

#include <vector>

#include "config/config.h"
#include "config/loader.h"

namespace argus::config {

// Fills `out` from `settings` (which hold every key with a default); returns the errors of
// cross-key rules. `out` is only meaningful when no error is returned.
std::vector<ConfigError> finalize(const Settings& settings, const LoadOptions& options,
                                  Config* out);

}  // namespace argus::config
