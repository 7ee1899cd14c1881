// Parses the JSON Schema subset the configuration uses into SchemaNode trees.
#include "config/schema.h"

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace argus::config {
namespace json = boost::json;

std::string_view to_string(ValueType type) noexcept {
  switch (type) {
    case ValueType::kObject:
      return "object";
    case ValueType::kString:
      return "string";
    case ValueType::kInteger:
      return "integer";
    case ValueType::kNumber:
      return "number";
    case ValueType::kBoolean:
      return "boolean";
    case ValueType::kArray:
      return "array";
  }
  return "?";
}

const SchemaNode* SchemaNode::child(std::string_view key) const noexcept {
  for (const auto& c : children) {
    if (c->name == key) return c.get();
  }
  return nullptr;
}

std::string SchemaNode::env_var() const {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

namespace {

bool parse_type(std::string_view s, ValueType& out) {
  static constexpr std::pair<std::string_view, ValueType> kTypes[] = {
      {"object", ValueType::kObject},   {"string", ValueType::kString},
      {"integer", ValueType::kInteger}, {"number", ValueType::kNumber},
      {"boolean", ValueType::kBoolean}, {"array", ValueType::kArray}};
  for (const auto& [name, type] : kTypes) {
    if (s == name) {
      out = type;
      return true;
    }
  }
  return false;
}

std::string str_or(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool flag(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::optional<double> number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

bool build(const json::object& o, std::string path, std::string name, SchemaNode& node,
           std::string* error) {
  node.path = std::move(path);
  node.name = std::move(name);
  if (!parse_type(str_or(o, "type"), node.type)) {
    *error = "schema: " + node.path + ": missing or unsupported type";
    return false;
  }
  node.format = str_or(o, "format");
  node.description = str_or(o, "description");
  node.alias_of = str_or(o, "x-argus-alias-of");
  node.secret = flag(o, "writeOnly");
  node.live = flag(o, "x-argus-live");
  node.deprecated = flag(o, "deprecated");
  node.minimum = number(o, "minimum");
  node.maximum = number(o, "maximum");
  if (auto n = number(o, "minLength")) node.min_length = static_cast<std::size_t>(*n);
  if (auto n = number(o, "minItems")) node.min_items = static_cast<std::size_t>(*n);
  if (const auto* d = o.if_contains("default")) node.default_value = *d;
  if (const auto* e = o.if_contains("examples"); e && e->is_array()) {
    for (const auto& x : e->get_array()) node.examples.push_back(x);
  }
  if (const auto* e = o.if_contains("enum"); e && e->is_array()) {
    for (const auto& x : e->get_array()) {
      if (x.is_string()) node.enum_values.emplace_back(x.get_string());
    }
  }
  if (node.type == ValueType::kArray) {
    const auto* items = o.if_contains("items");
    if (!items || !items->is_object()) {
      *error = "schema: " + node.path + ": array without items";
      return false;
    }
    node.items = std::make_unique<SchemaNode>();
    if (!build(items->get_object(), node.path + "[]", "[]", *node.items, error)) return false;
  }
  if (node.type == ValueType::kObject) {
    const auto* props = o.if_contains("properties");
    if (!props || !props->is_object()) {
      *error = "schema: " + node.path + ": object without properties";
      return false;
    }
    for (const auto& [key, sub] : props->get_object()) {
      if (!sub.is_object()) {
        *error = "schema: " + node.path + "." + std::string(key) + ": not an object";
        return false;
      }
      auto child = std::make_unique<SchemaNode>();
      std::string child_path =
          node.path.empty() ? std::string(key) : node.path + "." + std::string(key);
      if (!build(sub.get_object(), std::move(child_path), std::string(key), *child, error))
        return false;
      node.children.push_back(std::move(child));
    }
  }
  return true;
}

}  // namespace

std::unique_ptr<Schema> Schema::parse(std::string_view text, std::string* error) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) {
    *error = "schema: not a JSON object: " + ec.message();
    return nullptr;
  }
  auto schema = std::unique_ptr<Schema>(new Schema());
  schema->text_ = std::string(text);
  schema->root_ = std::make_unique<SchemaNode>();
  if (!build(doc.get_object(), "", "", *schema->root_, error)) return nullptr;
  // Index every node by path and environment variable name; two keys that map to one variable
  // would make the environment ambiguous, so that is a schema error.
  auto visit = [&](auto&& self, const SchemaNode& n) -> bool {
    if (!n.path.empty()) {
      schema->by_path_.emplace(n.path, &n);
      auto [it, inserted] = schema->by_env_.emplace(n.env_var(), &n);
      if (!inserted) {
        *error =
            "schema: " + n.path + " and " + it->second->path + " share the variable " + it->first;
        return false;
      }
      if (n.is_leaf()) schema->leaves_.push_back(&n);
    }
    for (const auto& c : n.children) {
      if (!self(self, *c)) return false;
    }
    return true;
  };
  if (!visit(visit, *schema->root_)) return nullptr;
  return schema;
}

const Schema& Schema::embedded() {
  static const Schema* schema = [] {
    std::string error;
    auto s = parse(embedded_schema_text(), &error);
    if (!s) {
      std::fprintf(stderr, "argus: embedded configuration schema is broken: %s\n", error.c_str());
      std::abort();
    }
    return s.release();
  }();
  return *schema;
}

const SchemaNode* Schema::find(std::string_view path) const noexcept {
  auto it = by_path_.find(path);
  return it == by_path_.end() ? nullptr : it->second;
}

const SchemaNode* Schema::find_env(std::string_view var) const noexcept {
  auto it = by_env_.find(var);
  return it == by_env_.end() ? nullptr : it->second;
}

}  // namespace argus::config
