// Parsing of collector URLs for the HTTP exporters: http(s)://host[:port][/path][?query], with
// bracketed IPv6 hosts. Small on purpose: exporters need scheme, host, port and target only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "argus/trace/expected.h"

namespace argus::trace::exporting {

struct Url {
  bool tls = false;
  std::string host;  // without brackets
  std::uint16_t port = 0;
  std::string target = "/";  // path and query

  std::string to_string() const;
};

Expected<Url> parse_url(std::string_view text);

// "host:port" (Ory's form) or "[v6]:port" into host and port; error on anything else.
Expected<std::pair<std::string, std::uint16_t>> parse_host_port(std::string_view text);

// Percent-encodes a query parameter value.
std::string url_encode(std::string_view s);

}  // namespace argus::trace::exporting
