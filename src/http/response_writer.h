// Serialises a Response into HTTP/1.1 wire bytes in one reusable buffer: the status line, the
// server's own headers, the handler's headers and the body, framed by Content-Length. The same
// headers Beast's prepare_payload and keep_alive would produce, without building a message.
#pragma once

#include <string>

#include "http/message.h"

namespace argus::http::detail {

// Replaces the contents of `out` (keeping its capacity). `version` is 10 or 11. Header names or
// values containing CR or LF are dropped rather than split into new headers.
void serialize_response(const Response& response, unsigned version, bool keep_alive,
                        std::string& out);

}  // namespace argus::http::detail
