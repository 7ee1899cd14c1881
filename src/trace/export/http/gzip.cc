// gzip via zlib's deflate with a gzip header (windowBits 15 + 16).
#include "trace/export/http/gzip.h"

#include <zlib.h>

namespace argus::trace::exporting {

bool gzip_compress(std::string_view in, ByteBuffer& out) {
  z_stream zs{};
  // Level 1: the export thread's CPU matters more than a few percent of bytes.
  if (deflateInit2(&zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  uLong bound = deflateBound(&zs, static_cast<uLong>(in.size())) + 32;
  out.resize(bound);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END;
}

}  // namespace argus::trace::exporting
