// serialize_response: the bytes on the wire for the shapes of response the handlers produce.
#include "http/response_writer.h"

#include <gtest/gtest.h>

namespace argus::http::detail {
namespace {

std::string wire(const Response& r, unsigned version = 11, bool keep_alive = true) {
  std::string out = "stale bytes from the previous response";
  serialize_response(r, version, keep_alive, out);
  return out;
}

TEST(ResponseWriter, JsonBodyWithDefaultContentType) {
  Response r;
  r.body = "{\"a\":1}";
  EXPECT_EQ(wire(r),
            "HTTP/1.1 200 OK\r\nServer: argus\r\nContent-Type: application/json\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
}

TEST(ResponseWriter, HandlerHeadersAndContentTypeInOrder) {
  Response r;
  r.status = 201;
  r.body = "x";
  r.content_type = "text/plain";
  r.with_header("Location", "/clients/a").with_header("Cache-Control", "no-store");
  EXPECT_EQ(wire(r),
            "HTTP/1.1 201 Created\r\nServer: argus\r\nContent-Type: text/plain\r\n"
            "Location: /clients/a\r\nCache-Control: no-store\r\nContent-Length: 1\r\n\r\nx");
}

TEST(ResponseWriter, EmptyBodiesAndNoContent) {
  Response empty;
  EXPECT_EQ(wire(empty), "HTTP/1.1 200 OK\r\nServer: argus\r\nContent-Length: 0\r\n\r\n");
  Response none;
  none.status = 204;
  EXPECT_EQ(wire(none), "HTTP/1.1 204 No Content\r\nServer: argus\r\n\r\n");
}

TEST(ResponseWriter, ConnectionHeaderFollowsVersionAndKeepAlive) {
  Response r;
  EXPECT_NE(wire(r, 11, false).find("\r\nConnection: close\r\n"), std::string::npos);
  EXPECT_EQ(wire(r, 11, true).find("Connection:"), std::string::npos);
  EXPECT_EQ(wire(r, 10, true).rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
  EXPECT_NE(wire(r, 10, true).find("\r\nConnection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(wire(r, 10, false).find("Connection:"), std::string::npos);
}

TEST(ResponseWriter, HeadersWithLineBreaksAreDropped) {
  Response r;
  r.with_header("X-Evil", "a\r\nSet-Cookie: b").with_header("X-Bad\n", "c");
  r.with_header("X-Good", "d");
  std::string out = wire(r);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(out.find("X-Bad"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Good: d\r\n"), std::string::npos);
}

TEST(ResponseWriter, UnknownStatusStillFramesTheBody) {
  Response r;
  r.status = 599;
  r.body = "{}";
  std::string out = wire(r);
  EXPECT_EQ(out.rfind("HTTP/1.1 599 ", 0), 0u);
  EXPECT_NE(out.find("\r\nContent-Length: 2\r\n\r\n{}"), std::string::npos);
}

}  // namespace
}  // namespace argus::http::detail
