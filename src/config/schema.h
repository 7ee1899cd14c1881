// The configuration's JSON Schema, embedded in the binary, and its parsed form. The schema is
// the single source of truth: key names, types, ranges, defaults, environment variable names,
// which settings apply live, the help text and docs/configuration.md all derive from it.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace argus::config {

enum class ValueType { kObject, kString, kInteger, kNumber, kBoolean, kArray };

std::string_view to_string(ValueType type) noexcept;

struct SchemaNode {
  std::string path;  // dotted, e.g. "tracing.providers.jaeger.local_agent_address"; "" for root
  std::string name;  // last path segment
  ValueType type = ValueType::kObject;
  std::string format;                    // "duration", "uri", "host-port", ... or ""
  std::vector<std::string> enum_values;  // for strings
  std::optional<double> minimum;
  std::optional<double> maximum;
  std::optional<std::size_t> min_length;
  std::optional<std::size_t> min_items;
  boost::json::value default_value;  // null: no default
  std::string description;
  std::vector<boost::json::value> examples;
  bool secret = false;                // writeOnly: never printed
  bool live = false;                  // x-argus-live: applied on SIGHUP without a restart
  bool deprecated = false;            // a legacy form kept for existing configs
  std::string alias_of;               // x-argus-alias-of: the canonical key this one sets
  std::unique_ptr<SchemaNode> items;  // arrays: the element schema
  std::vector<std::unique_ptr<SchemaNode>> children;  // objects, in schema order

  const SchemaNode* child(std::string_view key) const noexcept;
  bool is_leaf() const noexcept { return type != ValueType::kObject; }
  // TRACING_PROVIDERS_JAEGER_LOCAL_AGENT_ADDRESS for tracing.providers.jaeger.local_agent_address.
  std::string env_var() const;
};

class Schema {
 public:
  // The embedded schema, parsed once. Aborts only if the embedded text itself is broken, which
  // the test suite rules out.
  static const Schema& embedded();
  // Parses a schema document; nullopt-like null pointer and `error` set on failure.
  static std::unique_ptr<Schema> parse(std::string_view text, std::string* error);

  std::string_view text() const noexcept { return text_; }
  const SchemaNode& root() const noexcept { return *root_; }
  const SchemaNode* find(std::string_view path) const noexcept;
  // The node whose environment variable is `var` (leaves and objects), or nullptr.
  const SchemaNode* find_env(std::string_view var) const noexcept;
  // Every non-object node, in schema order.
  const std::vector<const SchemaNode*>& leaves() const noexcept { return leaves_; }

 private:
  std::string text_;
  std::unique_ptr<SchemaNode> root_;
  std::map<std::string, const SchemaNode*, std::less<>> by_path_;
  std::map<std::string, const SchemaNode*, std::less<>> by_env_;
  std::vector<const SchemaNode*> leaves_;
};

// The embedded schema text (generated from src/config/schema.json at build time).
std::string_view embedded_schema_text() noexcept;

}  // namespace argus::config
