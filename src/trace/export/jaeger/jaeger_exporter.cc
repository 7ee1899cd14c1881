// The Jaeger agent exporter: Thrift-compact emitBatch datagrams over UDP. Spans are encoded one
// by one, then packed greedily into datagrams of at most max_datagram_bytes; a span that cannot
// fit even alone is re-encoded without tags and logs (and, if still too big, with a shortened
// name) and counted as truncated. The socket is created lazily on the export thread.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <vector>

#include "argus/trace/export/jaeger.h"
#include "argus/trace/ids.h"
#include "trace/export/http/stats_recorder.h"
#include "trace/export/http/url.h"
#include "trace/export/jaeger/jaeger_encode.h"

namespace argus::trace::jaeger {

namespace {
using exporting::ByteBuffer;

std::string local_ipv4() {
  ifaddrs* list = nullptr;
  std::string ip = "127.0.0.1";
  if (getifaddrs(&list) != 0) return ip;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    char buf[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (ntohl(in->sin_addr.s_addr) >> 24 == 127) continue;
    if (inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf)) {
      ip = buf;
      break;
    }
  }
  freeifaddrs(list);
  return ip;
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string new_uuid() {
  auto bytes = IdGenerator::new_trace_id().bytes();
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0f) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char hex[32];
  hex::encode(bytes.data(), bytes.size(), hex);
  std::string s(hex, 32);
  for (std::size_t pos : {8u, 13u, 18u, 23u}) s.insert(pos, 1, '-');
  return s;
}

class Exporter final : public JaegerExporter {
 public:
  Exporter(std::string host, std::uint16_t port, JaegerExporterOptions o)
      : host_(std::move(host)),
        port_(port),
        max_bytes_(o.max_datagram_bytes),
        stats_("jaeger exporter", std::move(o.log)) {
    tags_.service_name = std::move(o.service_name);
    tags_.tags = {{"hostname", host_name()},
                  {"ip", local_ipv4()},
                  {"client-uuid", new_uuid()},
                  {"argus.version", "0.1.0"}};
    for (auto& t : o.tags) tags_.tags.push_back(std::move(t));
  }
  ~Exporter() override {
    if (fd_ >= 0) ::close(fd_);
  }

  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override try {
    if (spans.empty()) return ExportResult::kSuccess;
    if (shut_down_.load()) {
      stats_.failed(spans.size(), "shutdown", "exporter is shut down");
      return ExportResult::kFailure;
    }
    if (fd_ < 0 && !open_socket()) {
      stats_.failed(spans.size(), "socket", socket_error_);
      return ExportResult::kFailure;
    }
    dropped_ = 0;
    // Runs of spans sharing a resource become batches with one Process.
    std::size_t begin = 0;
    while (begin < spans.size()) {
      std::size_t end = begin + 1;
      while (end < spans.size() && spans[end]->resource == spans[begin]->resource) ++end;
      send_run(spans.subspan(begin, end - begin));
      begin = end;
    }
    if (dropped_) {
      stats_.failed(dropped_, "send", last_send_error_);
      return ExportResult::kFailure;
    }
    return ExportResult::kSuccess;
  } catch (...) {
    stats_.failed(spans.size(), "internal", "out of memory while encoding");
    return ExportResult::kFailure;
  }

  void shutdown(std::chrono::milliseconds) noexcept override { shut_down_.store(true); }
  ExporterStats stats() const override { return stats_.snapshot(); }

 private:
  bool open_socket() {
    addrinfo hints{};
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_family = AF_UNSPEC;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host_.c_str(), std::to_string(port_).c_str(), &hints, &res);
    if (rc != 0) {
      socket_error_ = "cannot resolve " + host_ + ": " + gai_strerror(rc);
      return false;
    }
    for (auto* a = res; a; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        fd_ = fd;
        break;
      }
      ::close(fd);
    }
    freeaddrinfo(res);
    if (fd_ < 0) socket_error_ = "cannot open UDP socket to " + host_ + ": " + std::strerror(errno);
    return fd_ >= 0;
  }

  void encode_process(const Resource* r) {
    if (process_for_ == r && process_.size()) return;
    process_.clear();
    encoder_.encode_process(r, tags_, process_);
    if (process_.size() > max_bytes_ / 2) {  // absurd resource: keep the service name only
      process_.clear();
      ProcessTags minimal{tags_.service_name, {}};
      encoder_.encode_process(nullptr, minimal, process_);
    }
    process_for_ = r;
  }

  // Appends `s` to span_bytes_, shrunk when it cannot fit one datagram on its own.
  void encode_one(const SpanData& s, std::size_t budget) {
    std::size_t start = span_bytes_.size();
    encoder_.encode_span(s, span_bytes_);
    if (span_bytes_.size() - start <= budget) return;
    span_bytes_.resize(start);
    encoder_.encode_span(s, span_bytes_, true);
    if (span_bytes_.size() - start > budget) {
      std::size_t overflow = span_bytes_.size() - start - budget;
      span_bytes_.resize(start);
      std::size_t keep = s.name.size() > overflow + 8 ? s.name.size() - overflow - 8 : 0;
      encoder_.encode_span(s, span_bytes_, true, keep);
    }
    stats_.truncated(1);
    stats_.note("truncated",
                "a span too large for one datagram was sent without its tags and logs");
  }

  void send_run(std::span<const SpanData* const> spans) {
    encode_process(spans.front()->resource);
    std::size_t budget = max_bytes_ - process_.size() - JaegerEncoder::frame_overhead(spans.size());
    span_bytes_.clear();
    offsets_.clear();
    for (const SpanData* s : spans) {
      offsets_.push_back(span_bytes_.size());
      encode_one(*s, budget);
    }
    offsets_.push_back(span_bytes_.size());
    views_.clear();
    std::size_t used = 0;
    for (std::size_t i = 0; i + 1 < offsets_.size(); ++i) {
      std::string_view one(span_bytes_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]);
      if (!views_.empty() && used + one.size() > budget) flush();
      if (views_.empty()) used = 0;
      views_.push_back(one);
      used += one.size();
    }
    if (!views_.empty()) flush();
  }

  void flush() {
    JaegerEncoder::frame(process_.view(), views_, seq_++, datagram_);
    ssize_t n = ::send(fd_, datagram_.data(), datagram_.size(), 0);
    if (n != static_cast<ssize_t>(datagram_.size())) {
      dropped_ += views_.size();
      last_send_error_ = "UDP send to " + host_ + ":" + std::to_string(port_) +
                         " failed: " + (n < 0 ? std::strerror(errno) : "short write");
    } else {
      stats_.exported(views_.size());
    }
    views_.clear();
  }

  std::string host_;
  std::uint16_t port_;
  std::size_t max_bytes_;
  ProcessTags tags_;
  exporting::StatsRecorder stats_;
  std::atomic<bool> shut_down_{false};
  int fd_ = -1;
  std::string socket_error_, last_send_error_;
  JaegerEncoder encoder_;
  const Resource* process_for_ = nullptr;
  ByteBuffer process_, span_bytes_, datagram_;
  std::vector<std::size_t> offsets_;
  std::vector<std::string_view> views_;
  std::int32_t seq_ = 0;
  std::uint64_t dropped_ = 0;
};
}  // namespace

Expected<std::unique_ptr<SpanExporter>> make_exporter(JaegerExporterOptions o) {
  auto hp = exporting::parse_host_port(o.local_agent_address);
  if (!hp)
    return Error{Error::Code::invalid_config, "jaeger: local_agent_address: " + hp.error().message};
  if (o.max_datagram_bytes < 1024 || o.max_datagram_bytes > kMaxDatagramBytes) {
    return Error{Error::Code::invalid_config,
                 "jaeger: max_datagram_bytes must be in [1024, 65000]"};
  }
  return std::unique_ptr<SpanExporter>(new Exporter(hp->first, hp->second, std::move(o)));
}

}  // namespace argus::trace::jaeger
