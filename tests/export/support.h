// Test support for the exporter tests: span fixtures, a scripted HTTP collector and a UDP
// receiver on 127.0.0.1, and a runner for the independent Node.js decoders. The collector
// records every request and lets tests wait for them with timeouts instead of sleeping.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "argus/trace/resource.h"
#include "argus/trace/span_data.h"

namespace argus::trace::testing {

// Owns span records built by hand (the exporters see them exactly as the processor hands them).
struct SpanSet {
  Resource resource;
  Resource other_resource;
  InstrumentationScope scope{"argus.test", "1.2.3"};
  InstrumentationScope other_scope{"argus.other", ""};
  std::vector<std::unique_ptr<SpanData>> spans;
  std::vector<const SpanData*> view() const;
  SpanData& add(std::string name);
};

SpanSet make_span_set();         // a root server span, a client child with everything, and more
void fill_nominal(SpanData& s);  // 6 attributes (2 strings, 2 int64, 1 bool, 1 double) + 1 event
SpanLimits test_limits();

std::string temp_path(const std::string& name);
void write_file(const std::string& path, std::string_view data);

// Runs `node <script> <args>` from tests/interop/export and parses its stdout as JSON. On a
// non-zero exit the decoder's error is returned in `error` and `value` is null.
struct NodeResult {
  boost::json::value value;
  std::string error;
};
NodeResult run_node(const std::string& script, const std::vector<std::string>& args);

// Hex/decimal helpers for comparing decoder output.
std::string hex(const TraceId& id);
std::string hex(SpanId id);

struct HttpRequestRecord {
  std::string method, target, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// What the collector does with the next request.
struct Reply {
  enum class Kind { kRespond, kBlackHole, kClose, kGarbage, kTruncated, kHuge };
  using Headers = std::vector<std::pair<std::string, std::string>>;
  Reply(Kind k = Kind::kRespond, int s = 200, std::string b = {}, Headers h = {},
        std::chrono::milliseconds d = std::chrono::milliseconds(0))
      : kind(k), status(s), body(std::move(b)), headers(std::move(h)), delay(d) {}
  Kind kind;
  int status;
  std::string body;
  Headers headers;
  std::chrono::milliseconds delay;  // kRespond: answer late (a slow collector)
};

class FakeCollector {
 public:
  explicit FakeCollector(std::uint16_t port = 0);  // 0: any free port
  ~FakeCollector();
  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "") const;
  void push(Reply r);         // answers the next request (FIFO)
  void set_default(Reply r);  // when the queue is empty
  bool wait_requests(std::size_t n, std::chrono::milliseconds timeout);
  std::vector<HttpRequestRecord> requests();
  int connections();

 private:
  void accept_loop();
  void serve(int fd);
  Reply next_reply();
  bool wait_readable(int fd, std::chrono::milliseconds timeout);

  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Reply> queue_;
  Reply default_;
  std::vector<HttpRequestRecord> requests_;
  int connections_ = 0;
  std::vector<int> fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

class UdpReceiver {
 public:
  UdpReceiver();
  ~UdpReceiver();
  std::uint16_t port() const { return port_; }
  // Receives datagrams until `n` arrived or `timeout` passed; returns what arrived.
  std::vector<std::string> receive(std::size_t n, std::chrono::milliseconds timeout);
  // Everything already queued (loopback delivers a datagram during the sender's send()).
  std::vector<std::string> drain();

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace argus::trace::testing
