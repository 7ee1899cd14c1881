// Hand-split into scheme, userinfo, host and path because Hydra's `tcp(host:port)` MySQL form is
// not a URL; Boost.URL does the percent-decoding and the query string.
#include "store/dsn.h"

#include <boost/url/decode_view.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/pct_string_view.hpp>
#include <charconv>
#include <optional>

namespace argus::store {
namespace {

Error invalid(std::string message) {
  return Error{Error::Code::invalid, "dsn: " + message};
}

Result<std::string> decode(std::string_view part, std::string_view what) {
  auto pct = boost::urls::make_pct_string_view(part);
  if (!pct) return invalid("bad percent-encoding in the " + std::string(what));
  return pct->decode();
}

Result<std::map<std::string, std::string>> parse_query(std::string_view query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return invalid("malformed query string");
  for (auto param : *parsed) {
    if (param.key.empty()) return invalid("empty query parameter name");
    out[std::string(param.key)] = param.has_value ? std::string(param.value) : std::string();
  }
  return out;
}

Result<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return invalid("port must be a number from 1 to 65535");
  }
  return static_cast<std::uint16_t>(value);
}

// host, host:port, [v6], [v6]:port
Result<void> parse_hostport(std::string_view text, Dsn& dsn) {
  std::string_view host = text;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return invalid("unterminated [ in host");
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return invalid("unexpected text after ]");
      port = rest.substr(1);
      if (port.empty()) return invalid("empty port");
    }
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return invalid("empty port");
  }
  auto decoded = decode(host, "host");
  if (!decoded) return decoded.error();
  dsn.host = std::move(*decoded);
  if (!port.empty()) {
    auto p = parse_port(port);
    if (!p) return p.error();
    dsn.port = *p;
  }
  return {};
}

Result<void> parse_userinfo(std::string_view text, Dsn& dsn) {
  auto colon = text.find(':');
  auto user = decode(text.substr(0, colon), "user name");
  if (!user) return user.error();
  dsn.user = std::move(*user);
  if (colon != std::string_view::npos) {
    auto pass = decode(text.substr(colon + 1), "password");
    if (!pass) return pass.error();
    dsn.password = std::move(*pass);
  }
  return {};
}

// Everything after "scheme://": [userinfo@]host[:port]/database[?query]
Result<Dsn> parse_network(Dsn::Kind kind, std::string_view rest) {
  Dsn dsn;
  dsn.kind = kind;
  auto qmark = rest.find('?');
  auto query = qmark == std::string_view::npos ? std::string_view() : rest.substr(qmark + 1);
  rest = rest.substr(0, qmark);
  // The password may contain '/', so the host part starts after the last '@'.
  auto at = rest.rfind('@');
  std::string_view hostpath = at == std::string_view::npos ? rest : rest.substr(at + 1);
  if (at != std::string_view::npos) {
    if (auto r = parse_userinfo(rest.substr(0, at), dsn); !r) return r.error();
  }
  auto slash = hostpath.find('/');
  if (slash == std::string_view::npos) return invalid("missing /database");
  auto host = hostpath.substr(0, slash);
  if (kind == Dsn::Kind::kMysql && host.starts_with("tcp(")) {
    if (!host.ends_with(")")) return invalid("unterminated tcp( in host");
    host = host.substr(4, host.size() - 5);
  } else if (host.find('(') != std::string_view::npos) {
    return invalid("only the tcp(host:port) address form is supported");
  }
  if (host.empty()) return invalid("missing host");
  if (auto r = parse_hostport(host, dsn); !r) return r.error();
  if (dsn.host.empty()) return invalid("missing host");
  auto db = decode(hostpath.substr(slash + 1), "database name");
  if (!db) return db.error();
  if (db->empty() || db->find('/') != std::string::npos) return invalid("bad database name");
  dsn.database = std::move(*db);
  auto params = parse_query(query);
  if (!params) return params.error();
  dsn.params = std::move(*params);
  return dsn;
}

Result<Dsn> parse_sqlite(std::string_view rest) {
  Dsn dsn;
  dsn.kind = Dsn::Kind::kSqlite;
  auto qmark = rest.find('?');
  auto params = parse_query(qmark == std::string_view::npos ? "" : rest.substr(qmark + 1));
  if (!params) return params.error();
  dsn.params = std::move(*params);
  auto path = decode(rest.substr(0, qmark), "path");
  if (!path) return path.error();
  if (path->empty()) return invalid("missing SQLite file path");
  if (path->find('\0') != std::string::npos) return invalid("NUL byte in path");
  dsn.path = std::move(*path);
  dsn.database = dsn.path;
  return dsn;
}

std::optional<std::chrono::milliseconds> parse_timeout(std::string_view text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data() || value <= 0 || value > 3600'000) return {};
  std::string_view unit(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr));
  std::chrono::milliseconds ms;
  if (unit.empty() || unit == "s") {
    ms = std::chrono::seconds(value);
  } else if (unit == "ms") {
    ms = std::chrono::milliseconds(value);
  } else if (unit == "m") {
    ms = std::chrono::minutes(value);
  } else {
    return {};
  }
  if (ms > std::chrono::hours(1)) return {};
  return ms;
}

}  // namespace

Result<Dsn> parse_dsn(const std::string& text) {
  if (text == "memory") {
    Dsn dsn;
    dsn.database = "memory";
    return dsn;
  }
  auto sep = text.find("://");
  if (sep == std::string::npos) return invalid("expected memory or scheme://...");
  std::string_view scheme(text.data(), sep);
  std::string_view rest(text.data() + sep + 3, text.size() - sep - 3);
  if (scheme == "sqlite" || scheme == "sqlite3") return parse_sqlite(rest);
  if (scheme == "postgres" || scheme == "postgresql")
    return parse_network(Dsn::Kind::kPostgres, rest);
  if (scheme == "mysql") return parse_network(Dsn::Kind::kMysql, rest);
  return invalid("unknown scheme (memory, sqlite, postgres, postgresql, mysql)");
}

Result<std::chrono::milliseconds> dsn_timeout(const Dsn& dsn, std::string_view key,
                                              std::chrono::milliseconds fallback) {
  auto it = dsn.params.find(std::string(key));
  if (it == dsn.params.end()) return fallback;
  if (auto timeout = parse_timeout(it->second)) return *timeout;
  return Error{
      Error::Code::invalid,
      "dsn: " + std::string(key) + " must be seconds (5) or a duration (500ms, 5s) of at most 1h"};
}

}  // namespace argus::store
