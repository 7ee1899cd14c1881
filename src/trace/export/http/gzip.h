// gzip compression of request bodies (zlib), for OTLP's `compression: gzip`.
#pragma once

#include <string_view>

#include "trace/export/http/byte_buffer.h"

namespace argus::trace::exporting {

// Compresses `in` into `out` (replacing its contents). False only if zlib fails.
bool gzip_compress(std::string_view in, ByteBuffer& out);

}  // namespace argus::trace::exporting
