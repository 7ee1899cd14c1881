// Request bytes (paths, decoded parameters) and driver messages as UTF-8 text: what the router
// accepts and what a log line may carry (JSON requires UTF-8). Invalid sequences become U+FFFD,
// as they do in span attributes.
#pragma once

#include <string>
#include <string_view>

#include "argus/trace/attribute.h"

namespace argus::http {

// `in` itself when it is ASCII, else a cleaned copy held in `storage`.
inline std::string_view utf8_text(std::string_view in, std::string& storage) {
  bool ascii = true;
  for (unsigned char c : in) ascii = ascii && c < 0x80;
  if (ascii) return in;
  argus::trace::assign_utf8_copy(storage, in, in.size() * 3);  // each invalid byte may become 3
  return storage;
}

inline bool valid_utf8(std::string_view in) {
  std::string storage;
  return utf8_text(in, storage) == in;
}

}  // namespace argus::http
