#include "oauth2/json_patch.h"

#include <charconv>
#include <vector>

namespace argus::oauth2 {
namespace json = boost::json;
namespace {

using Tokens = std::vector<std::string>;

std::optional<Tokens> parse_pointer(std::string_view p) {
  Tokens tokens;
  if (p.empty()) return tokens;
  if (p.front() != '/') return std::nullopt;
  std::string cur;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      tokens.push_back(std::move(cur));
      cur.clear();
    } else if (p[i] == '~') {
      if (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1')) return std::nullopt;
      cur += p[++i] == '0' ? '~' : '/';
    } else {
      cur += p[i];
    }
  }
  return tokens;
}

// An array index: digits without leading zeros, at most `limit`.
std::optional<std::size_t> index_of(const std::string& t, std::size_t limit) {
  if (t.empty() || (t.size() > 1 && t[0] == '0')) return std::nullopt;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || v > limit) return std::nullopt;
  return v;
}

json::value* resolve(json::value& doc, const Tokens& tokens, std::size_t count) {
  json::value* cur = &doc;
  for (std::size_t i = 0; i < count; ++i) {
    if (auto* o = cur->if_object()) {
      auto it = o->find(tokens[i]);
      if (it == o->end()) return nullptr;
      cur = &it->value();
    } else if (auto* a = cur->if_array()) {
      auto idx = a->empty() ? std::nullopt : index_of(tokens[i], a->size() - 1);
      if (!idx) return nullptr;
      cur = &(*a)[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::optional<std::string> add(json::value& doc, const Tokens& t, json::value v) {
  if (t.empty()) return (doc = std::move(v), std::nullopt);
  json::value* parent = resolve(doc, t, t.size() - 1);
  if (!parent) return "path does not exist";
  if (auto* o = parent->if_object()) return ((*o)[t.back()] = std::move(v), std::nullopt);
  if (auto* a = parent->if_array()) {
    if (t.back() == "-") return (a->push_back(std::move(v)), std::nullopt);
    auto idx = index_of(t.back(), a->size());
    if (!idx) return "array index out of range";
    a->insert(a->begin() + static_cast<std::ptrdiff_t>(*idx), std::move(v));
    return std::nullopt;
  }
  return "path does not exist";
}

std::optional<std::string> remove(json::value& doc, const Tokens& t) {
  if (t.empty()) return "cannot remove the whole document";
  json::value* parent = resolve(doc, t, t.size() - 1);
  if (!parent) return "path does not exist";
  if (auto* o = parent->if_object()) {
    if (o->erase(t.back()) == 0) return "path does not exist";
    return std::nullopt;
  }
  if (auto* a = parent->if_array()) {
    auto idx = a->empty() ? std::nullopt : index_of(t.back(), a->size() - 1);
    if (!idx) return "array index out of range";
    a->erase(a->begin() + static_cast<std::ptrdiff_t>(*idx));
    return std::nullopt;
  }
  return "path does not exist";
}

std::optional<std::string> apply_one(json::value& doc, const json::value& op_value) {
  const json::object* op = op_value.if_object();
  if (!op) return "each operation must be an object";
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    auto it = op->find(key);
    if (it == op->end() || !it->value().is_string()) return std::nullopt;
    return std::string(it->value().get_string());
  };
  auto name = text("op");
  auto path_text = text("path");
  if (!name || !path_text) return "each operation needs string 'op' and 'path'";
  auto path = parse_pointer(*path_text);
  if (!path) return "invalid JSON pointer in 'path'";
  const json::value* value = op->if_contains("value");
  if (*name == "add" || *name == "replace" || *name == "test") {
    if (!value) return "'" + *name + "' needs a 'value'";
  }
  if (*name == "add") return add(doc, *path, *value);
  if (*name == "remove") return remove(doc, *path);
  if (*name == "replace") {
    json::value* target = resolve(doc, *path, path->size());
    if (!target) return "path does not exist";
    *target = *value;
    return std::nullopt;
  }
  if (*name == "test") {
    json::value* target = resolve(doc, *path, path->size());
    if (!target || *target != *value) return "test failed";
    return std::nullopt;
  }
  if (*name == "move" || *name == "copy") {
    auto from_text = text("from");
    auto from = from_text ? parse_pointer(*from_text) : std::nullopt;
    if (!from) return "'" + *name + "' needs a valid 'from' pointer";
    json::value* source = resolve(doc, *from, from->size());
    if (!source) return "'from' does not exist";
    json::value copy = *source;
    if (*name == "move") {
      if (path->size() > from->size() && std::equal(from->begin(), from->end(), path->begin()))
        return "cannot move a value into itself";
      if (auto err = remove(doc, *from)) return err;
    }
    return add(doc, *path, std::move(copy));
  }
  return "unknown operation";
}

}  // namespace

std::optional<std::string> apply_json_patch(json::value& document, const json::value& patch) {
  const json::array* ops = patch.if_array();
  if (!ops) return "a JSON Patch must be an array of operations";
  if (ops->size() > 1000) return "too many operations";
  json::value work = document;
  for (const auto& op : *ops) {
    if (auto err = apply_one(work, op)) return err;
  }
  document = std::move(work);
  return std::nullopt;
}

}  // namespace argus::oauth2
