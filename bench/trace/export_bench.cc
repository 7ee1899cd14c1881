// Exporter hot paths. BM_Encode*: the hand-written encoders on a batch of 512 nominal spans
// (6 attributes: 2 strings, 2 int64, 1 bool, 1 double; one event); one iteration is one span
// (the batch is encoded every 512 iterations), so ns/op is ns per span including the
// per-batch framing. BM_Export*Loopback: the export thread's end-to-end rate through the real
// exporter to a receiver on 127.0.0.1 (an HTTP server answering 200, or a UDP socket), reported
// as spans_per_s (wall clock) and export_cpu_per_span_ns (the export thread's CPU).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "argus/trace/export/jaeger.h"
#include "argus/trace/export/otlp.h"
#include "argus/trace/export/zipkin.h"
#include "trace/export/jaeger/jaeger_encode.h"
#include "trace/export/otlp/otlp_encode.h"
#include "trace/export/zipkin/zipkin_encode.h"
#include "trace/service_spans.h"

namespace {
using namespace argus::trace;
constexpr std::size_t kBatch = 512;

struct NominalBatch {
  Resource resource = Resource::create({"argus", "0.1.0", "bench", "benchhost", {}});
  InstrumentationScope scope{"argus.http", "0.1.0"};
  std::vector<std::unique_ptr<SpanData>> records;
  std::vector<const SpanData*> spans;

  NominalBatch() {
    SpanLimits lim;
    for (std::size_t i = 0; i < kBatch; ++i) {
      auto s = std::make_unique<SpanData>();
      s->context.trace_id = IdGenerator::new_trace_id();
      s->context.span_id = IdGenerator::new_span_id();
      s->context.flags = TraceFlags::kSampled;
      s->parent_span_id = IdGenerator::new_span_id();
      s->kind = SpanKind::kServer;
      s->name = "POST /oauth2/token";
      s->start_unix_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1000;
      s->end_unix_ns = s->start_unix_ns + 250'000;
      s->resource = &resource;
      s->scope = &scope;
      s->attributes.set("http.request.method", "POST", lim, 128);
      s->attributes.set("url.path", "/oauth2/token", lim, 128);
      s->attributes.set("http.response.status_code", 200, lim, 128);
      s->attributes.set("http.request.body.size", std::int64_t{87}, lim, 128);
      s->attributes.set("argus.cache_hit", true, lim, 128);
      s->attributes.set("argus.ratio", 0.5, lim, 128);
      KeyValue ev[] = {{"grant_type", "client_credentials"}};
      s->add_event("token.issued", s->start_unix_ns + 200'000, ev, lim);
      spans.push_back(s.get());
      records.push_back(std::move(s));
    }
  }
};

template <typename Encode>
void run_encoder(benchmark::State& state, Encode&& encode) {
  NominalBatch batch;
  std::size_t bytes = encode(batch.spans);  // warm the buffers
  std::size_t i = 0;
  for (auto _ : state) {
    if (++i == kBatch) {
      benchmark::DoNotOptimize(encode(batch.spans));
      i = 0;
    }
  }
  state.counters["bytes_per_span"] = static_cast<double>(bytes) / kBatch;
}

void BM_EncodeOtlpProtobuf(benchmark::State& state) {
  exporting::ByteBuffer out;
  run_encoder(state, [&](const auto& spans) {
    otlp::encode_protobuf(spans, out);
    return out.view().size();
  });
}
BENCHMARK(BM_EncodeOtlpProtobuf);

void BM_EncodeOtlpJson(benchmark::State& state) {
  exporting::ByteBuffer out;
  run_encoder(state, [&](const auto& spans) {
    otlp::encode_json(spans, out);
    return out.view().size();
  });
}
BENCHMARK(BM_EncodeOtlpJson);

void BM_EncodeJaegerThrift(benchmark::State& state) {
  jaeger::JaegerEncoder enc;
  exporting::ByteBuffer process, spans_buf, datagram;
  std::vector<std::string_view> views;
  std::vector<std::size_t> offsets;
  run_encoder(state, [&](const auto& spans) {
    process.clear();
    enc.encode_process(spans.front()->resource, {"", {{"hostname", "h"}}}, process);
    spans_buf.clear();
    offsets.clear();
    for (const SpanData* s : spans) {
      offsets.push_back(spans_buf.size());
      enc.encode_span(*s, spans_buf);
    }
    offsets.push_back(spans_buf.size());
    // Frame into datagrams of at most 65,000 bytes, as the exporter does.
    std::size_t total = 0, used = 0;
    views.clear();
    for (std::size_t i = 0; i + 1 < offsets.size(); ++i) {
      std::string_view one(spans_buf.data() + offsets[i], offsets[i + 1] - offsets[i]);
      if (!views.empty() && used + one.size() > 64000) {
        jaeger::JaegerEncoder::frame(process.view(), views, 1, datagram);
        total += datagram.size();
        views.clear();
        used = 0;
      }
      views.push_back(one);
      used += one.size();
    }
    jaeger::JaegerEncoder::frame(process.view(), views, 1, datagram);
    return total + datagram.size();
  });
}
BENCHMARK(BM_EncodeJaegerThrift);

void BM_EncodeZipkinJson(benchmark::State& state) {
  zipkin::ZipkinEncoder enc({"", "10.0.0.1", "", 4444});
  exporting::ByteBuffer out;
  run_encoder(state, [&](const auto& spans) {
    enc.encode(spans, out);
    return out.view().size();
  });
}
BENCHMARK(BM_EncodeZipkinJson);

// Takes the OTLP exporter's encoder, so spans are encoded as they end, and discards what the
// processor hands back: the recording threads' share of exporting over OTLP/protobuf.
class EncodedDiscardExporter final : public SpanExporter {
 public:
  EncodedDiscardExporter() {
    otlp::OtlpExporterOptions o;
    o.server_url = "127.0.0.1:9";  // never contacted
    o.insecure = true;
    otlp_ = std::move(*otlp::make_exporter(o));
  }
  ExportResult export_spans(std::span<const SpanData* const>) noexcept override {
    return ExportResult::kSuccess;
  }
  const SpanEncoder* encoder() const noexcept override { return otlp_->encoder(); }
  ExportResult export_encoded(std::span<const EncodedSpan>) noexcept override {
    return ExportResult::kSuccess;
  }

 private:
  std::unique_ptr<SpanExporter> otlp_;
};

// BM_ServiceRequestSpans (core_bench.cc) with each span encoded for OTLP as it ends.
void BM_ServiceRequestSpansEncoded(benchmark::State& state) {
  TracerProviderOptions options;
  options.resource.service_name = "bench";
  options.processor =
      std::move(*BatchSpanProcessor::create(std::make_unique<EncodedDiscardExporter>()));
  auto provider = std::move(*TracerProvider::create(std::move(options)));
  Tracer& tracer = provider->tracer("bench");
  argus::bench::run_counted(state, *provider,
                            [&] { argus::bench::record_service_request(tracer); });
}
BENCHMARK(BM_ServiceRequestSpansEncoded);

// A loopback HTTP/1.1 receiver that answers every request with `status` and an empty body.
class HttpSink {
 public:
  explicit HttpSink(int status) : status_(status) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 4);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~HttpSink() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    if (conn_ >= 0) ::shutdown(conn_, SHUT_RDWR);
    thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void serve() {
    conn_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn_ < 0) return;
    std::string buf,
        reply = "HTTP/1.1 " + std::to_string(status_) + " OK\r\nContent-Length: 0\r\n\r\n";
    std::vector<char> chunk(1 << 16);
    while (!stop_) {
      auto end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        auto cl = buf.find("Content-Length: ");
        std::size_t len = cl < end ? std::stoul(buf.substr(cl + 16)) : 0;
        if (buf.size() >= end + 4 + len) {
          buf.erase(0, end + 4 + len);
          if (::send(conn_, reply.data(), reply.size(), MSG_NOSIGNAL) < 0) break;
          continue;
        }
      }
      ssize_t n = ::recv(conn_, chunk.data(), chunk.size(), 0);
      if (n <= 0) break;
      buf.append(chunk.data(), static_cast<std::size_t>(n));
    }
    ::close(conn_);
  }
  int status_;
  int fd_ = -1;
  std::atomic<int> conn_{-1};
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

double thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void run_export(benchmark::State& state, SpanExporter& exporter) {
  NominalBatch batch;
  double cpu0 = thread_cpu_ns();
  std::int64_t failures = 0;
  for (auto _ : state) failures += exporter.export_spans(batch.spans) != ExportResult::kSuccess;
  double cpu = thread_cpu_ns() - cpu0;
  auto spans = static_cast<double>(state.iterations()) * kBatch;
  state.counters["spans_per_s"] = benchmark::Counter(spans, benchmark::Counter::kIsRate);
  state.counters["export_cpu_per_span_ns"] = cpu / spans;
  state.counters["failed_batches"] = static_cast<double>(failures);
}

void BM_ExportOtlpHttpLoopback(benchmark::State& state) {
  HttpSink sink(200);
  otlp::OtlpExporterOptions o;
  o.server_url = "127.0.0.1:" + std::to_string(sink.port());
  o.insecure = true;
  auto e = otlp::make_exporter(o);
  run_export(state, **e);
}
BENCHMARK(BM_ExportOtlpHttpLoopback)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_ExportZipkinHttpLoopback(benchmark::State& state) {
  HttpSink sink(202);
  zipkin::ZipkinExporterOptions o;
  o.server_url = "http://127.0.0.1:" + std::to_string(sink.port()) + "/api/v2/spans";
  auto e = zipkin::make_exporter(o);
  run_export(state, **e);
}
BENCHMARK(BM_ExportZipkinHttpLoopback)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_ExportJaegerUdpLoopback(benchmark::State& state) {
  int rx = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(rx, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(rx, reinterpret_cast<sockaddr*>(&a), &len);
  int size = 8 << 20;
  setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> received{0};
  std::thread agent([&] {
    std::vector<char> buf(70000);
    while (!stop) {
      pollfd p{rx, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      if (::recv(rx, buf.data(), buf.size(), 0) > 0) received.fetch_add(1);
    }
  });
  jaeger::JaegerExporterOptions o;
  o.local_agent_address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  auto e = jaeger::make_exporter(o);
  run_export(state, **e);
  stop = true;
  agent.join();
  ::close(rx);
  state.counters["datagrams_received"] = static_cast<double>(received.load());
}
BENCHMARK(BM_ExportJaegerUdpLoopback)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
