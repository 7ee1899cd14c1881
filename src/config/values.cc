// Value rules of the configuration schema. Messages read "expected X, got Y" so that, prefixed
// with the key and the value's source, each error is one self-explanatory line.
#include "config/values.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>

namespace argus::config {
namespace json = boost::json;

namespace {

// Shortest round-trip form: 1.5, -1, 0.25 (not 1.5E0).
std::string fmt_double(double d) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, ptr) : json::serialize(json::value(d));
}

std::string got(const SchemaNode& node, const json::value& v) {
  if (node.secret) return "got a " + std::string(v.is_string() ? "string" : "value") + " (hidden)";
  switch (v.kind()) {
    case json::kind::null:
      return "got null";
    case json::kind::bool_:
      return std::string("got boolean ") + (v.get_bool() ? "true" : "false");
    case json::kind::string:
      return "got string " + json::serialize(v);
    case json::kind::array:
      return "got an array";
    case json::kind::object:
      return "got an object";
    case json::kind::double_:
      return "got " + fmt_double(v.get_double());
    default:
      return "got " + json::serialize(v);
  }
}

std::string fmt_number(double d) {
  return fmt_double(d);
}

std::string range_text(const SchemaNode& node) {
  if (node.minimum && node.maximum) {
    return " from " + fmt_number(*node.minimum) + " to " + fmt_number(*node.maximum);
  }
  if (node.minimum) return " of at least " + fmt_number(*node.minimum);
  if (node.maximum) return " of at most " + fmt_number(*node.maximum);
  return "";
}

std::string join_enum(const SchemaNode& node) {
  std::string out;
  for (const auto& e : node.enum_values) {
    if (!out.empty()) out += ", ";
    out += e.empty() ? "\"\"" : e;
  }
  return out;
}

bool valid_port(std::string_view p) {
  if (p.empty() || p.size() > 5) return false;
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  return ec == std::errc() && ptr == p.data() + p.size() && port >= 1 && port <= 65535;
}

bool valid_host_port(std::string_view s) {
  auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host = s.substr(0, colon);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return false;
  } else if (host.find_first_of(":/ @?#") != std::string_view::npos) {
    return false;
  }
  return valid_port(s.substr(colon + 1));
}

bool valid_http_url(std::string_view s) {
  auto r = boost::urls::parse_absolute_uri(s);
  if (!r) return false;
  auto scheme = r->scheme();
  return (scheme == "http" || scheme == "https") && !r->encoded_host().empty();
}

std::optional<std::string> check_format(const SchemaNode& node, std::string_view s) {
  const std::string& f = node.format;
  if (f == "duration") {
    auto d = parse_duration(s);
    if (!d || d->count() <= 0) return "expected a positive duration such as 30s, 5m or 1h";
  } else if (f == "duration-or-zero") {
    auto d = parse_duration(s);
    if (!d || d->count() < 0) return "expected a duration such as 30m or 1h, or 0 (off)";
  } else if (f == "uri") {
    if (!s.empty() && !valid_http_url(s))
      return "expected an http(s) URL such as http://host:port/path";
  } else if (f == "host-port") {
    if (!valid_host_port(s))
      return "expected host:port with a port from 1 to 65535, such as jaeger:6831";
  } else if (f == "host-port-or-url") {
    bool ok = s.empty() ||
              (s.find("://") != std::string_view::npos ? valid_http_url(s) : valid_host_port(s));
    if (!ok) return "expected host:port (such as collector:4318) or an http(s) URL";
  } else if (f == "dsn") {
    static constexpr std::string_view kSchemes[] = {"sqlite://", "postgres://", "postgresql://",
                                                    "mysql://"};
    bool ok = s == "memory";
    for (auto scheme : kSchemes) {
      ok = ok || (s.starts_with(scheme) && s.size() > scheme.size());
    }
    if (!ok) return "expected memory, sqlite://FILE, postgres://... or mysql://...";
  } else if (f == "propagation") {
    std::string_view rest = s;
    while (true) {
      auto comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (item != "jaeger" && item != "b3" && item != "w3c") {
        return "expected a comma-separated list of jaeger, b3, w3c";
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  } else if (f == "path-pattern") {
    if (s.empty() || s.front() != '/') return "expected a path starting with /, such as /health/*";
  }
  return std::nullopt;
}

std::optional<std::string> check_string(const SchemaNode& node, const json::value& v) {
  if (!v.is_string()) return "expected a string, " + got(node, v);
  std::string_view s = v.get_string();
  if (!node.enum_values.empty()) {
    for (const auto& e : node.enum_values) {
      if (s == e) return std::nullopt;
    }
    return "expected one of " + join_enum(node) + "; " + got(node, v);
  }
  if (node.min_length && s.size() < *node.min_length) {
    return "expected at least " + std::to_string(*node.min_length) + " characters, got " +
           std::to_string(s.size());
  }
  if (auto e = check_format(node, s)) return *e + ", " + got(node, v);
  return std::nullopt;
}

std::optional<std::string> check_number(const SchemaNode& node, const json::value& v) {
  bool integer = node.type == ValueType::kInteger;
  std::string what = integer ? "an integer" : "a number";
  if (!v.is_number() || (integer && v.is_double())) {
    return "expected " + what + range_text(node) + ", " + got(node, v);
  }
  double d = v.to_number<double>();
  if (!std::isfinite(d) || (node.minimum && d < *node.minimum) ||
      (node.maximum && d > *node.maximum)) {
    return "expected " + what + range_text(node) + ", " + got(node, v);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_value(const SchemaNode& node, const json::value& v) {
  switch (node.type) {
    case ValueType::kString:
      return check_string(node, v);
    case ValueType::kInteger:
    case ValueType::kNumber:
      return check_number(node, v);
    case ValueType::kBoolean:
      if (!v.is_bool()) return "expected a boolean (true or false), " + got(node, v);
      return std::nullopt;
    case ValueType::kArray: {
      if (!v.is_array()) return "expected an array, " + got(node, v);
      const auto& a = v.get_array();
      if (node.min_items && a.size() < *node.min_items) {
        return "expected at least " + std::to_string(*node.min_items) + " item(s), got " +
               std::to_string(a.size());
      }
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (auto e = check_value(*node.items, a[i])) {
          return "item " + std::to_string(i) + ": " + *e;
        }
      }
      return std::nullopt;
    }
    case ValueType::kObject:
      if (!v.is_object()) return "expected an object, " + got(node, v);
      return std::nullopt;
  }
  return std::nullopt;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string quoted(const SchemaNode& node, std::string_view text) {
  if (node.secret) return "a value (hidden)";
  return json::serialize(json::value(json::string_view(text.data(), text.size())));
}

std::optional<json::value> parse_json(std::string_view text, std::string* error,
                                      std::string_view what) {
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) {
    *error = "expected " + std::string(what) + " as JSON, got text that is not JSON (" +
             ec.message() + ")";
    return std::nullopt;
  }
  return v;
}

}  // namespace

std::optional<json::value> convert_text(const SchemaNode& node, std::string_view text,
                                        std::string* error) {
  switch (node.type) {
    case ValueType::kString:
      return json::value(json::string_view(text.data(), text.size()));
    case ValueType::kBoolean: {
      static constexpr std::string_view kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
      static constexpr std::string_view kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
      for (auto t : kTrue) {
        if (text == t) return json::value(true);
      }
      for (auto f : kFalse) {
        if (text == f) return json::value(false);
      }
      *error = "expected a boolean (true or false), got " + quoted(node, text);
      return std::nullopt;
    }
    case ValueType::kInteger: {
      std::string_view t = trim(text);
      std::int64_t i = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size()) {
        *error = "expected an integer" + range_text(node) + ", got " + quoted(node, text);
        return std::nullopt;
      }
      return json::value(i);
    }
    case ValueType::kNumber: {
      std::string_view t = trim(text);
      double d = 0;
      auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
      if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(d)) {
        *error = "expected a number" + range_text(node) + ", got " + quoted(node, text);
        return std::nullopt;
      }
      return json::value(d);
    }
    case ValueType::kArray: {
      std::string_view t = trim(text);
      if (!t.empty() && t.front() == '[') return parse_json(t, error, "an array");
      if (node.items->type != ValueType::kString) {
        *error = "expected a JSON array such as [1, 2]";
        return std::nullopt;
      }
      json::array a;
      while (!t.empty()) {
        auto comma = t.find(',');
        std::string_view item = trim(t.substr(0, comma));
        if (!item.empty()) a.emplace_back(json::string_view(item.data(), item.size()));
        if (comma == std::string_view::npos) break;
        t.remove_prefix(comma + 1);
      }
      return json::value(std::move(a));
    }
    case ValueType::kObject: {
      auto v = parse_json(trim(text), error, "an object");
      if (v && !v->is_object()) {
        *error = "expected an object as JSON, " + got(node, *v);
        return std::nullopt;
      }
      return v;
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  static constexpr std::pair<std::string_view, double> kUnits[] = {
      {"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6},
      {"s", 1e9},  {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  while (!s.empty()) {
    std::size_t n = 0;
    while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')) ++n;
    if (n == 0) return std::nullopt;
    double value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + n, value);
    if (ec != std::errc() || ptr != s.data() + n) return std::nullopt;
    s.remove_prefix(n);
    double scale = 0;
    std::size_t unit_len = 0;
    for (const auto& [unit, factor] : kUnits) {
      // Longest match first matters for "ms" vs "m": the table lists "ms" before "m".
      if (s.starts_with(unit) && unit.size() > unit_len) {
        scale = factor;
        unit_len = unit.size();
      }
    }
    if (unit_len == 0) return std::nullopt;
    s.remove_prefix(unit_len);
    total += value * scale;
    if (total > static_cast<double>(std::numeric_limits<std::int64_t>::max() / 2)) {
      return std::nullopt;
    }
  }
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

namespace {
// True when `s` reads back as the same string if written as a plain YAML scalar.
bool plain_yaml_safe(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) {
    return false;
  }
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos ||
      s.back() == ':') {
    return false;
  }
  // Would YAML read it as a number, boolean or null?
  if (s.find_first_not_of("0123456789.+-eE") == std::string_view::npos) return false;
  for (std::string_view word : {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null",
                                "NULL", "~", ".inf", ".nan", "-.inf"}) {
    if (s == word) return false;
  }
  return true;
}
}  // namespace

std::string display_value(const json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    return plain_yaml_safe(s) ? std::string(s) : json::serialize(v);
  }
  if (v.is_array()) {
    std::string out = "[";
    for (const auto& item : v.get_array()) {
      if (out.size() > 1) out += ", ";
      out += display_value(item);
    }
    return out + "]";
  }
  if (v.is_double()) return fmt_double(v.get_double());
  return json::serialize(v);
}

std::string mask_dsn(std::string_view dsn) {
  auto scheme_end = dsn.find("://");
  if (scheme_end == std::string_view::npos) return std::string(dsn);
  auto auth_start = scheme_end + 3;
  // The last '@' before the query ends the user info; a password may contain '/' (MySQL DSNs).
  auto query = dsn.find('?', auth_start);
  auto at = dsn.substr(0, query).rfind('@');
  std::string out(dsn);
  if (at != std::string_view::npos && at > auth_start) {
    auto colon = dsn.find(':', auth_start);
    if (colon != std::string_view::npos && colon < at) {
      out = std::string(dsn.substr(0, colon + 1)) + "***" + std::string(dsn.substr(at));
    }
  }
  // Query parameters named password=... are masked too.
  for (std::string_view key : {"password=", "pass="}) {
    auto p = out.find(key);
    if (p != std::string::npos && (p > 0 && (out[p - 1] == '?' || out[p - 1] == '&'))) {
      auto end = out.find('&', p);
      out.replace(p + key.size(), (end == std::string::npos ? out.size() : end) - p - key.size(),
                  "***");
    }
  }
  return out;
}

}  // namespace argus::config
