#include "http/router.h"

#include <boost/beast/http/verb.hpp>

#include "http/utf8_text.h"

namespace argus::http {
namespace {

bool is_param(std::string_view seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PathSegments::next(std::string_view& segment) {
  // Empty segments count ("/a//b"), except the one after a trailing slash ("/a/").
  while (pos_ <= path_.size()) {
    auto end = path_.find('/', pos_);
    if (end == std::string_view::npos) end = path_.size();
    std::size_t start = pos_;
    pos_ = end + 1;
    if (end > start || end < path_.size()) {
      segment = path_.substr(start, end - start);
      return true;
    }
  }
  return false;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  PathSegments segments(path);
  for (std::string_view seg; segments.next(seg);) out.push_back(seg);
  return out;
}

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return false;
    out.push_back(c);
  }
  return valid_utf8(out);
}

bool decode_segment(std::string_view in, std::string& out) {
  return percent_decode(in, out, /*plus_is_space=*/false);
}

void Router::add(Route route) {
  Compiled c;
  for (auto seg : split_path(route.pattern)) c.segments.emplace_back(seg);
  c.route = std::move(route);
  routes_.push_back(std::move(c));
}

RouteMatch Router::match(boost::beast::http::verb method, std::string_view path) const {
  RouteMatch result;
  std::size_t count = 0;
  PathSegments counter(path);
  for (std::string_view seg; counter.next(seg);) ++count;
  for (const auto& c : routes_) {
    if (c.segments.size() != count) continue;
    PathSegments segments(path);
    std::vector<std::pair<std::string_view, std::string>> params;
    bool ok = true;
    std::string_view seg;
    for (std::size_t i = 0; i < count && ok && segments.next(seg); ++i) {
      if (const std::string& want = c.segments[i]; is_param(want)) {
        std::string decoded;
        if (!decode_segment(seg, decoded) || decoded.empty()) {
          result.kind = RouteMatch::Kind::kBadPath;
          return result;
        }
        params.emplace_back(std::string_view(want).substr(1, want.size() - 2), std::move(decoded));
      } else {
        ok = want == seg;
      }
    }
    if (!ok) continue;
    if (c.route.method == method) {
      result.kind = RouteMatch::Kind::kFound;
      result.route = &c.route;
      result.params = std::move(params);
      return result;
    }
    if (!result.allowed.empty()) result.allowed += ", ";
    auto name = boost::beast::http::to_string(c.route.method);
    result.allowed.append(name.data(), name.size());
    result.kind = RouteMatch::Kind::kMethodNotAllowed;
  }
  return result;
}

}  // namespace argus::http
