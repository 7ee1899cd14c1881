// Collects settings from each source in precedence order into one flat map of canonical keys,
// validating each value as it arrives so that its error names the source it came from.
#include "config/loader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "config/finalize.h"
#include "config/schema.h"
#include "config/tree.h"
#include "config/values.h"

extern char** environ;

namespace argus::config {
namespace json = boost::json;

std::string Source::to_string() const {
  switch (kind) {
    case Kind::kDefault:
      return "default";
    case Kind::kDevDefault:
      return "--dev default";
    case Kind::kGenerated:
      return "generated (--dev)";
    case Kind::kFlag:
      return name.starts_with("-") ? "flag " + name : name;  // "argument DSN" names itself
    case Kind::kEnv:
      return "env " + name;
    case Kind::kFile:
      if (line <= 0) return name;
      return name + ":" + std::to_string(line) + (column > 0 ? ":" + std::to_string(column) : "");
  }
  return name;
}

std::string ConfigError::to_string() const {
  std::string out = source.to_string() + ": ";
  if (!key.empty()) out += key + ": ";
  out += message;
  // One line, whatever a message contains.
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string unknown_key_message(const SchemaNode& parent, std::string_view key) {
  const SchemaNode* best = nullptr;
  std::size_t best_distance = 3;  // suggest only close misspellings
  for (const auto& c : parent.children) {
    std::size_t d = edit_distance(key, c->name);
    if (d < best_distance) {
      best_distance = d;
      best = c.get();
    }
  }
  if (best) return "unknown key; did you mean " + best->path + "?";
  std::string msg = "unknown key; expected one of ";
  for (std::size_t i = 0; i < parent.children.size(); ++i) {
    msg += (i ? ", " : "") + parent.children[i]->name;
  }
  return msg;
}

class Collector {
 public:
  explicit Collector(const Schema& schema) : schema_(schema) {}

  Settings settings;
  std::vector<ConfigError> errors;
  std::vector<std::string> warnings;

  void error(std::string key, Source source, std::string message) {
    errors.push_back({std::move(key), std::move(source), std::move(message)});
  }

  // Records `value` for `node`, after checking it.
  void set(const SchemaNode& node, json::value value, const Source& source) {
    if (auto problem = check_value(node, value)) {
      error(node.path, source, *problem);
      return;
    }
    if (node.deprecated && source.kind != Source::Kind::kDefault) {
      std::string w = source.to_string() + ": " + node.path + " is a legacy form";
      w += node.alias_of.empty() ? "; it is still honoured" : "; prefer " + node.alias_of;
      warnings.push_back(std::move(w));
    }
    const std::string& key = node.alias_of.empty() ? node.path : node.alias_of;
    settings[key] = Setting{std::move(value), source};
  }

  void ingest(const Tree& tree, const SchemaNode& node, const Source& base) {
    Source source = base;
    if (tree.line > 0) {
      source.line = tree.line;
      source.column = tree.column;
    }
    if (tree.kind == Tree::Kind::kNull) return;  // "key:" with no value: leave it unset
    if (node.is_leaf()) {
      set(node, tree.to_json(), source);
      return;
    }
    if (tree.kind != Tree::Kind::kMap) {
      error(node.path, source,
            "expected a mapping of keys (an object), got " +
                std::string(tree.kind == Tree::Kind::kSeq ? "a list" : "a scalar"));
      return;
    }
    std::map<std::string, int, std::less<>> seen;
    for (const auto& e : tree.entries) {
      Source key_source = base;
      if (e.line > 0) {
        key_source.line = e.line;
        key_source.column = e.column;
      }
      std::string path = node.path.empty() ? e.key : node.path + "." + e.key;
      if (auto [it, inserted] = seen.emplace(e.key, e.line); !inserted) {
        error(path, key_source,
              "duplicate key" + (it->second > 0
                                     ? " (first at line " + std::to_string(it->second) + ")"
                                     : std::string()));
        continue;
      }
      const SchemaNode* child = node.child(e.key);
      if (!child) {
        error(path, key_source, unknown_key_message(node, e.key));
        continue;
      }
      ingest(e.value, *child, base);
    }
  }

  // A value given as text (environment, flags), converted to the node's type.
  void set_text(const SchemaNode& node, std::string_view text, const Source& source) {
    std::string problem;
    auto value = convert_text(node, text, &problem);
    if (!value) {
      error(node.path, source, problem);
      return;
    }
    if (node.is_leaf()) {
      set(node, std::move(*value), source);
    } else {
      ingest(Tree::from_json(*value), node, source);
    }
  }

  const Schema& schema() const { return schema_; }

 private:
  const Schema& schema_;
};

void load_defaults(Collector& c) {
  for (const SchemaNode* leaf : c.schema().leaves()) {
    if (leaf->default_value.is_null() || !leaf->alias_of.empty()) continue;
    c.settings[leaf->path] = Setting{leaf->default_value, Source{}};
  }
}

std::string random_secret() {
  std::random_device rd;  // the OS's CSPRNG on Linux
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) s.push_back(kHex[rd() & 0xF]);
  return s;
}

void load_dev_defaults(Collector& c, const LoadOptions& options) {
  Source dev{Source::Kind::kDevDefault, "", 0, 0};
  c.settings["dsn"] = Setting{json::value("sqlite://./argus.db?_fk=true"), dev};
  c.settings["tracing.provider"] = Setting{json::value("console"), dev};
  std::string secret = options.dev_secret.empty() ? random_secret() : options.dev_secret;
  c.settings["secrets.system"] = Setting{json::array{json::value(json::string_view(secret))},
                                         Source{Source::Kind::kGenerated, "", 0, 0}};
}

bool read_whole_file(const std::string& path, std::string* out, std::string* error) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    *error = std::string("cannot read config file: ") + std::strerror(errno);
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    *error = "cannot read config file: it is a directory";
    return false;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = std::string("cannot read config file: ") + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *error = "cannot read config file: read error";
    return false;
  }
  *out = ss.str();
  return true;
}

void load_file(Collector& c, const std::string& path) {
  Source source{Source::Kind::kFile, path, 0, 0};
  std::string text, problem;
  if (!read_whole_file(path, &text, &problem)) {
    c.error("", source, problem);
    return;
  }
  bool is_json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  ParseError perr;
  auto tree = parse_document(text, is_json, &perr);
  if (!tree) {
    source.line = perr.line;
    source.column = perr.column;
    c.error("", source, perr.message);
    return;
  }
  if (tree->kind == Tree::Kind::kNull) {
    c.error("", source, "config file is empty (expected a mapping of keys such as tracing:)");
    return;
  }
  c.ingest(*tree, c.schema().root(), source);
}

void load_flags(Collector& c, const std::vector<FlagValue>& flags) {
  for (const auto& f : flags) {
    Source source{Source::Kind::kFlag, f.flag.empty() ? "--set " + f.key : f.flag, 0, 0};
    const SchemaNode* node = c.schema().find(f.key);
    if (!node) {
      c.error(f.key, source, "unknown key (see `argus config schema`)");
      continue;
    }
    c.set_text(*node, f.value, source);
  }
}

void load_env(Collector& c, const std::map<std::string, std::string>& env) {
  for (const auto& [name, value] : env) {
    const SchemaNode* node = c.schema().find_env(name);
    if (!node) continue;  // the environment is shared: unrelated variables are not ours
    c.set_text(*node, value, Source{Source::Kind::kEnv, name, 0, 0});
  }
}

}  // namespace

bool parse_set_flag(const std::string& text, FlagValue* out) {
  auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  out->key = text.substr(0, eq);
  out->value = text.substr(eq + 1);
  out->flag = "--set " + out->key;
  return true;
}

LoadResult load(const LoadOptions& options) {
  Collector c(Schema::embedded());
  load_defaults(c);
  if (options.dev) load_dev_defaults(c, options);
  for (const auto& f : options.files) load_file(c, f);
  load_flags(c, options.flags);
  load_env(c, options.env);
  LoadResult result;
  if (!c.errors.empty()) {
    result.errors = std::move(c.errors);
    return result;
  }
  Loaded loaded;
  loaded.settings = std::move(c.settings);
  loaded.warnings = std::move(c.warnings);
  result.errors = finalize(loaded.settings, options, &loaded.config);
  if (result.errors.empty()) {
    if (options.dev) {
      loaded.warnings.push_back(
          "--dev: development mode. Security checks are relaxed; never use it in production.");
      if (loaded.settings["secrets.system"].source.kind == Source::Kind::kGenerated) {
        loaded.warnings.push_back(
            "--dev: no secrets.system configured; generated a random one for this process. "
            "Tokens and sessions will not survive a restart.");
      }
    }
    result.loaded = std::move(loaded);
  }
  return result;
}

std::map<std::string, std::string> process_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

ReloadPlan plan_reload(const Settings& before, const Settings& after) {
  ReloadPlan plan;
  const Schema& schema = Schema::embedded();
  auto changed = [&](const std::string& key) {
    auto a = before.find(key);
    auto b = after.find(key);
    if (a == before.end() || b == after.end()) return (a == before.end()) != (b == after.end());
    return a->second.value != b->second.value;
  };
  for (const SchemaNode* leaf : schema.leaves()) {
    if (!leaf->alias_of.empty() || !changed(leaf->path)) continue;
    (leaf->live ? plan.live : plan.restart).push_back(leaf->path);
  }
  return plan;
}

}  // namespace argus::config
