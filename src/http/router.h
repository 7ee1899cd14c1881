// Request routing: method + path pattern ("/admin/clients/{id}") to a handler. Patterns match
// whole segments; "{name}" captures one segment, percent-decoded. A path that matches a pattern
// under another method yields 405 with the allowed methods, a path matching nothing 404.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace argus::http {

using Handler = std::function<Response(Request&)>;

// Where a handler runs; never on an I/O thread. kWorker and kInline handlers run on the worker
// thread serving their connection, without a hand-off. kCpuHeavy handlers (bcrypt) run on a pool
// of their own while the connection waits, so a queue of them cannot hold up other requests
// (health checks, reads) behind seconds of hashing.
enum class Execution {
  kWorker,    // may block briefly on the database (the default)
  kInline,    // trivial and non-blocking
  kCpuHeavy,  // hashes secrets: tens of milliseconds of CPU
};

struct Route {
  boost::beast::http::verb method;
  std::string pattern;
  Handler handler;
  Execution execution = Execution::kWorker;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed, kBadPath };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::string allowed;  // "GET, PUT" for kMethodNotAllowed
};

class Router {
 public:
  void add(Route route);
  // `path` is the percent-encoded path without the query.
  RouteMatch match(boost::beast::http::verb method, std::string_view path) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string> segments;  // "{id}" marks a parameter
  };
  std::vector<Compiled> routes_;
};

// Walks the segments of "/a/b/c" ("a", "b", "c") without allocating; an empty path or "/" has
// none.
class PathSegments {
 public:
  explicit PathSegments(std::string_view path) : path_(path), pos_(path.starts_with('/') ? 1 : 0) {}
  bool next(std::string_view& segment);

 private:
  std::string_view path_;
  std::size_t pos_;
};

// Splits "/a/b/c" into {"a","b","c"}; an empty path or "/" gives no segments.
std::vector<std::string_view> split_path(std::string_view path);
// Percent-decodes `in` (and '+' as a space in form encoding); false on malformed escapes,
// NUL or invalid UTF-8.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);
// Percent-decodes one path segment ('+' stays '+').
bool decode_segment(std::string_view in, std::string& out);

}  // namespace argus::http
