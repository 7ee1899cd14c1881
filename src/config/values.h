// Checking and converting single configuration values against their schema node: the type,
// enum, range and format rules, the conversion of environment/flag text to the schema's type,
// and Go-style durations ("1h30m", "500ms") as Ory writes them.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/schema.h"

namespace argus::config {

// What is wrong with `value` for `node` ("expected ..., got ..."), or nullopt when it is valid.
// Secret values are never echoed.
std::optional<std::string> check_value(const SchemaNode& node, const boost::json::value& value);

// Converts text from an environment variable or flag to the node's type: booleans as Go's
// strconv.ParseBool, numbers in full, arrays and objects as JSON (arrays of strings may also be
// comma-separated). On failure returns nullopt and sets `error`.
std::optional<boost::json::value> convert_text(const SchemaNode& node, std::string_view text,
                                               std::string* error);

// Go's time.ParseDuration subset: a sequence of decimal numbers with units ns, us, µs, ms, s,
// m, h ("0" alone is allowed). Nullopt on anything else.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// A value as it would appear in YAML/help text: strings quoted only when needed.
std::string display_value(const boost::json::value& value);

// A DSN with its password replaced by "***".
std::string mask_dsn(std::string_view dsn);

}  // namespace argus::config
