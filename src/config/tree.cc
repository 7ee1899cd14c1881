// YAML and JSON documents to Tree. yaml-cpp does the parsing; plain scalars are resolved with
// YAML 1.2's core schema (so `port: 4444` is an integer and `port: "4444"` a string), and JSON
// files are first checked strictly as JSON so their errors read as JSON errors.
#include "config/tree.h"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <limits>

namespace argus::config {
namespace json = boost::json;

json::value Tree::to_json() const {
  switch (kind) {
    case Kind::kNull:
      return nullptr;
    case Kind::kScalar:
      return scalar;
    case Kind::kSeq: {
      json::array a;
      for (const auto& item : items) a.push_back(item.to_json());
      return a;
    }
    case Kind::kMap: {
      json::object o;
      for (const auto& e : entries) o[e.key] = e.value.to_json();
      return o;
    }
  }
  return nullptr;
}

Tree Tree::from_json(const json::value& v) {
  Tree t;
  if (v.is_object()) {
    t.kind = Kind::kMap;
    for (const auto& [k, sub] : v.get_object()) {
      t.entries.push_back(TreeEntry{std::string(k), 0, 0, from_json(sub)});
    }
  } else if (v.is_array()) {
    t.kind = Kind::kSeq;
    for (const auto& sub : v.get_array()) t.items.push_back(from_json(sub));
  } else if (!v.is_null()) {
    t.kind = Kind::kScalar;
    t.scalar = v;
  }
  return t;
}

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// [-+]?[0-9]+
bool is_int(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < s.size() && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

// YAML 1.2 core schema resolution of a plain scalar.
json::value resolve_plain(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_int(s)) {
    std::string_view t = s;
    if (t.front() == '+') t.remove_prefix(1);
    std::int64_t i = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
    if (ec == std::errc() && ptr == t.data() + t.size()) return i;
    return json::value(std::stod(s));  // out of int64 range: keep it as a number
  }
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    std::int64_t i = 0;
    int base = s[1] == 'x' ? 16 : 8;
    auto [ptr, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), i, base);
    if (ec == std::errc() && ptr == s.data() + s.size()) return i;
  }
  if (is_float(s)) return json::value(std::stod(s));
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return json::value(json::string_view(s));
}

Tree convert(const YAML::Node& node) {
  Tree t;
  t.line = node.Mark().line + 1;
  t.column = node.Mark().column + 1;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      t.kind = Tree::Kind::kNull;
      break;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      // "?" marks a plain scalar; "!" a quoted one, which is always a string.
      bool plain = tag == "?" || tag.empty();
      bool str_tag = tag == "!" || tag == "tag:yaml.org,2002:str";
      t.scalar = plain && !str_tag ? resolve_plain(node.Scalar())
                                   : json::value(json::string_view(node.Scalar()));
      t.kind = t.scalar.is_null() ? Tree::Kind::kNull : Tree::Kind::kScalar;
      break;
    }
    case YAML::NodeType::Sequence:
      t.kind = Tree::Kind::kSeq;
      for (const auto& item : node) t.items.push_back(convert(item));
      break;
    case YAML::NodeType::Map:
      t.kind = Tree::Kind::kMap;
      for (const auto& kv : node) {
        TreeEntry e;
        e.key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("<complex key>");
        e.line = kv.first.Mark().line + 1;
        e.column = kv.first.Mark().column + 1;
        e.value = convert(kv.second);
        t.entries.push_back(std::move(e));
      }
      break;
  }
  return t;
}

void offset_to_line_col(std::string_view text, std::size_t offset, int* line, int* col) {
  *line = 1;
  *col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      *col = 1;
    } else {
      ++*col;
    }
  }
}

bool check_json(std::string_view text, ParseError* error) {
  json::stream_parser p;
  boost::system::error_code ec;
  std::size_t n = p.write_some(text.data(), text.size(), ec);
  if (!ec) p.finish(ec);
  if (!ec) return true;
  offset_to_line_col(text, n, &error->line, &error->column);
  error->message = "JSON syntax error: " + ec.message();
  return false;
}

}  // namespace

std::optional<Tree> parse_document(std::string_view text, bool json, ParseError* error) {
  std::string input(text);
  if (json) {
    if (!check_json(text, error)) return std::nullopt;
    // Valid JSON has tabs only as whitespace between tokens, where YAML's flow style wants
    // spaces; positions stay the same.
    for (char& c : input) {
      if (c == '\t') c = ' ';
    }
  }
  try {
    YAML::Node root = YAML::Load(input);
    return convert(root);
  } catch (const YAML::Exception& e) {
    error->line = e.mark.is_null() ? 0 : e.mark.line + 1;
    error->column = e.mark.is_null() ? 0 : e.mark.column + 1;
    error->message = "YAML syntax error: " + e.msg;
    return std::nullopt;
  } catch (const std::exception& e) {
    error->message = std::string("cannot parse: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace argus::config
