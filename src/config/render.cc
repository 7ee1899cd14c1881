// Renders settings and schema for people. Output is deterministic (schema order, no timestamps)
// so docs/configuration.md can be compared byte for byte in the test suite.
#include "config/render.h"

#include <boost/json.hpp>
#include <sstream>

#include "config/values.h"

namespace argus::config {
namespace json = boost::json;

namespace {

std::string format_hint(const std::string& format) {
  if (format == "duration") return "duration (Go syntax: 500ms, 30s, 5m, 1h)";
  if (format == "duration-or-zero") return "duration (Go syntax: 30m, 1h), 0: off";
  if (format == "uri") return "http(s) URL";
  if (format == "host-port") return "host:port";
  if (format == "host-port-or-url") return "host:port or http(s) URL";
  if (format == "dsn") return "memory, sqlite://FILE, postgres://..., mysql://...";
  if (format == "propagation") return "comma-separated: jaeger, b3, w3c";
  if (format == "path-pattern") return "path, trailing * matches any suffix";
  return "string";
}

std::string fmt_bound(double d) {
  return display_value(json::value(d));
}

std::string enum_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v.empty() ? "\"\" (disabled)" : v;
  }
  return out;
}

std::string example_value(const SchemaNode& node) {
  if (node.examples.empty()) return "";
  return display_value(node.examples.front());
}

// The example as an environment assignment: arrays of strings comma-separated.
std::string env_example(const SchemaNode& node) {
  if (node.examples.empty()) return "";
  const json::value& e = node.examples.front();
  std::string text;
  if (e.is_string()) {
    text = std::string(e.get_string());
  } else if (e.is_array()) {
    for (const auto& item : e.get_array()) {
      if (!text.empty()) text += ",";
      text += item.is_string() ? std::string(item.get_string()) : json::serialize(item);
    }
  } else {
    text = display_value(e);
  }
  return node.env_var() + "=" + text;
}

std::string default_text(const SchemaNode& node) {
  if (!node.alias_of.empty()) return "(see " + node.alias_of + ")";
  if (node.default_value.is_null()) return "(none)";
  if (node.default_value.is_string() && node.default_value.get_string().empty()) return "\"\"";
  return display_value(node.default_value);
}

void wrap(std::ostringstream& out, const std::string& text, const std::string& indent,
          std::size_t width) {
  std::istringstream words(text);
  std::string word, line;
  while (words >> word) {
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out << indent << line << "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out << indent << line << "\n";
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else
      out.push_back(c);
  }
  return out;
}

}  // namespace

std::string describe_values(const SchemaNode& node) {
  switch (node.type) {
    case ValueType::kString:
      if (!node.enum_values.empty()) return "one of: " + enum_list(node.enum_values);
      return format_hint(node.format);
    case ValueType::kBoolean:
      return "true, false";
    case ValueType::kInteger:
    case ValueType::kNumber: {
      std::string out = node.type == ValueType::kInteger ? "integer" : "number";
      if (node.minimum && node.maximum) {
        out += " from " + fmt_bound(*node.minimum) + " to " + fmt_bound(*node.maximum);
      } else if (node.minimum) {
        out += " of at least " + fmt_bound(*node.minimum);
      }
      return out;
    }
    case ValueType::kArray: {
      std::string out = "list of " + describe_values(*node.items);
      if (node.items->min_length) {
        out += " (each at least " + std::to_string(*node.items->min_length) + " characters)";
      }
      return out + "; in the environment comma-separated or a JSON array";
    }
    case ValueType::kObject:
      return "object";
  }
  return "";
}

std::string masked_display(const SchemaNode& node, const json::value& value) {
  if (node.format == "dsn" && value.is_string()) return mask_dsn(value.get_string());
  if (!node.secret) return display_value(value);
  if (value.is_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < value.get_array().size(); ++i) out += i ? ", ***" : "***";
    return out + "]";
  }
  return value.is_string() && value.get_string().empty() ? "\"\"" : "***";
}

std::string render_effective_text(const Settings& settings) {
  const Schema& schema = Schema::embedded();
  std::vector<std::pair<std::string, std::string>> lines;
  std::size_t width = 0;
  for (const SchemaNode* leaf : schema.leaves()) {
    auto it = settings.find(leaf->path);
    if (it == settings.end()) continue;
    std::string value = masked_display(*leaf, it->second.value);
    if (value.empty()) value = "\"\"";
    std::string left = leaf->path + ": " + value;
    width = std::max(width, left.size());
    lines.emplace_back(std::move(left), it->second.source.to_string());
  }
  std::ostringstream out;
  for (const auto& [left, source] : lines) {
    out << left << std::string(width - left.size() + 2, ' ') << "# " << source << "\n";
  }
  return out.str();
}

std::string render_effective_json(const Settings& settings) {
  const Schema& schema = Schema::embedded();
  json::object out;
  for (const SchemaNode* leaf : schema.leaves()) {
    auto it = settings.find(leaf->path);
    if (it == settings.end()) continue;
    json::value shown = it->second.value;
    if (leaf->format == "dsn" && shown.is_string()) {
      shown = json::value(mask_dsn(shown.get_string()));
    } else if (leaf->secret && shown.is_array()) {
      for (auto& v : shown.get_array()) v = "***";
    } else if (leaf->secret && shown.is_string() && !shown.get_string().empty()) {
      shown = "***";
    }
    out[leaf->path] = json::object{{"value", shown}, {"source", it->second.source.to_string()}};
  }
  return json::serialize(out) + "\n";
}

std::string render_debug_controls(const Schema& schema) {
  std::ostringstream out;
  out << "DEBUG CONTROLS\n"
      << "==============\n\n";
  wrap(out,
       "Distributed tracing. Each setting can be given in a config file (-c FILE) under its "
       "key, or by its environment variable; precedence: defaults < files < flags (--set "
       "KEY=VALUE) < environment. Settings marked 'live' change on SIGHUP without a restart.",
       "", 78);
  out << "\n";
  for (const SchemaNode* leaf : schema.leaves()) {
    if (!leaf->path.starts_with("tracing.")) continue;
    out << leaf->path << (leaf->deprecated ? "  (legacy form)" : "")
        << (leaf->live ? "  (live)" : "") << "\n";
    out << "    env:      " << leaf->env_var() << "\n";
    out << "    values:   " << describe_values(*leaf) << "\n";
    out << "    default:  " << default_text(*leaf) << "\n";
    if (!leaf->examples.empty()) out << "    example:  " << env_example(*leaf) << "\n";
    wrap(out, leaf->description, "    ", 78);
    out << "\n";
  }
  return out.str();
}

std::string render_markdown(const Schema& schema) {
  std::ostringstream out;
  out << "# Configuration\n\n"
      << "<!-- Generated from src/config/schema.json by `argus config docs`; do not edit. "
         "The test suite fails when this file is out of date. -->\n\n";
  out << "Argus reads its configuration from YAML or JSON files (`-c/--config`, repeatable: "
         "later files override earlier ones, arrays are replaced), command-line flags "
         "(`--set KEY=VALUE`) and environment variables. Precedence, as in Ory Hydra: "
         "**defaults < files < flags < environment**.\n\n"
      << "Every key is also an environment variable: upper case, `_` between levels, so "
         "`TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS` sets "
         "`tracing.providers.jaeger.local_agent_address`. Values are converted to the key's "
         "type; lists may be comma-separated or JSON, objects are JSON.\n\n"
      << "The JSON Schema of this configuration ships inside the binary: `argus config "
         "schema` prints it, `argus config check FILE...` validates files, and `argus config "
         "show` prints the effective configuration with each value's source (secrets masked). "
         "Any error stops startup with exit code 2, one line per error naming the key, the "
         "source (file:line:column, flag or environment variable) and what was expected.\n\n"
      << "Settings marked *live* are re-read on `SIGHUP`; changing any other setting in a "
         "reloaded file is reported as needing a restart.\n\n";
  for (const auto& group : schema.root().children) {
    out << "## `" << group->name << "`\n\n";
    std::vector<const SchemaNode*> leaves;
    for (const SchemaNode* leaf : schema.leaves()) {
      if (leaf->path == group->path || leaf->path.starts_with(group->path + ".")) {
        leaves.push_back(leaf);
      }
    }
    out << "| Key | Environment variable | Values | Default | Example | Description |\n"
        << "|---|---|---|---|---|---|\n";
    for (const SchemaNode* leaf : leaves) {
      std::string desc = leaf->description;
      if (leaf->live) desc += " *Live.*";
      if (leaf->deprecated) desc += " *Legacy form.*";
      if (leaf->secret) desc += " *Secret: never shown.*";
      std::string ex = example_value(*leaf);
      out << "| `" << leaf->path << "` | `" << leaf->env_var() << "` | "
          << md_escape(describe_values(*leaf)) << " | `" << md_escape(default_text(*leaf)) << "` | "
          << (ex.empty() ? "" : "`" + md_escape(ex) + "`") << " | " << md_escape(desc) << " |\n";
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace argus::config
