// Text generated from the schema and the loaded settings: the effective configuration for
// `argus config show`, the DEBUG CONTROLS section of `argus serve --help` and
// docs/configuration.md. Generating them from the schema keeps them from drifting apart.
#pragma once

#include <string>

#include "config/loader.h"
#include "config/schema.h"

namespace argus::config {

// One line per setting, "key: value  # source", secrets masked.
std::string render_effective_text(const Settings& settings);
// {"key": {"value": ..., "source": "..."}}, secrets masked.
std::string render_effective_json(const Settings& settings);
// A value as shown to people: secrets as "***", DSN passwords masked.
std::string masked_display(const SchemaNode& node, const boost::json::value& value);

// The "DEBUG CONTROLS" help section: every tracing.* key with its environment variable,
// supported values, default and an example.
std::string render_debug_controls(const Schema& schema);

// docs/configuration.md.
std::string render_markdown(const Schema& schema);

// "number from 0 to 1", "one of: jaeger, zipkin", "duration (e.g. 5s)", ...
std::string describe_values(const SchemaNode& node);

}  // namespace argus::config
