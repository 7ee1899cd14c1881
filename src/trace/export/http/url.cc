// URL parsing for the exporters; see url.h.
#include "trace/export/http/url.h"

#include <charconv>

namespace argus::trace::exporting {

namespace {
Error bad(std::string_view what, std::string_view text) {
  return Error{Error::Code::invalid_config, std::string(what) + ": '" + std::string(text) + "'"};
}

bool parse_port(std::string_view s, std::uint16_t& port) {
  unsigned v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || v == 0 || v > 65535) {
    return false;
  }
  port = static_cast<std::uint16_t>(v);
  return true;
}

bool valid_host(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Splits "host[:port]" / "[v6][:port]"; port stays 0 when absent.
bool split_authority(std::string_view a, std::string& host, std::uint16_t& port) {
  std::string_view h = a, p;
  if (!a.empty() && a.front() == '[') {
    auto close = a.find(']');
    if (close == std::string_view::npos) return false;
    h = a.substr(1, close - 1);
    auto rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      p = rest.substr(1);
      if (!parse_port(p, port)) return false;
    }
  } else {
    auto colon = a.rfind(':');
    if (colon != std::string_view::npos) {
      h = a.substr(0, colon);
      if (!parse_port(a.substr(colon + 1), port)) return false;
      if (h.find(':') != std::string_view::npos) return false;
    }
  }
  if (!valid_host(h)) return false;
  host = std::string(h);
  return true;
}
}  // namespace

std::string Url::to_string() const {
  std::string s = tls ? "https://" : "http://";
  if (host.find(':') != std::string::npos) {
    s += "[" + host + "]";
  } else {
    s += host;
  }
  s += ":" + std::to_string(port) + target;
  return s;
}

Expected<Url> parse_url(std::string_view text) {
  Url u;
  std::string_view rest;
  if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else if (text.starts_with("https://")) {
    u.tls = true;
    rest = text.substr(8);
  } else {
    return bad("URL must start with http:// or https://", text);
  }
  auto slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad("URL must not carry credentials", "(redacted)");
  }
  if (!split_authority(authority, u.host, u.port)) return bad("invalid host or port in URL", text);
  if (u.port == 0) u.port = u.tls ? 443 : 80;
  if (slash != std::string_view::npos) {
    u.target = std::string(rest.substr(slash));
    if (u.target.front() == '?') u.target.insert(0, "/");
  }
  for (char c : u.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '#') {
      return bad("invalid character in URL path", text);
    }
  }
  return u;
}

Expected<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text) {
  std::string host;
  std::uint16_t port = 0;
  if (!split_authority(text, host, port) || port == 0) {
    return bad("expected host:port", text);
  }
  return std::pair{host, port};
}

std::string url_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace argus::trace::exporting
