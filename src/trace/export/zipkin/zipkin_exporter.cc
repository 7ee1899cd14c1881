// The Zipkin v2 exporter: encodes each batch as a JSON array and posts it through HttpSender.
#include "argus/trace/export/zipkin.h"
#include "trace/export/http/http_sender.h"
#include "trace/export/zipkin/zipkin_encode.h"

namespace argus::trace::zipkin {

namespace {
class Exporter final : public ZipkinExporter {
 public:
  Exporter(std::unique_ptr<exporting::HttpSender> sender, LocalEndpoint local)
      : sender_(std::move(sender)), encoder_(std::move(local)) {}

  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override try {
    if (spans.empty()) return ExportResult::kSuccess;
    if (sender_->is_shut_down()) {  // do not even read the records: the provider may be gone
      sender_->recorder().failed(spans.size(), "shutdown", "exporter is shut down");
      return ExportResult::kFailure;
    }
    encoder_.encode(spans, body_);
    return sender_->send(body_.view(), spans.size());
  } catch (...) {
    sender_->recorder().failed(spans.size(), "internal", "out of memory while encoding");
    return ExportResult::kFailure;
  }

  void shutdown(std::chrono::milliseconds) noexcept override { sender_->shutdown(); }
  ExporterStats stats() const override { return sender_->stats(); }

 private:
  std::unique_ptr<exporting::HttpSender> sender_;
  ZipkinEncoder encoder_;
  exporting::ByteBuffer body_;
};

Error invalid(std::string message) {
  return Error{Error::Code::invalid_config, std::move(message)};
}
}  // namespace

Expected<std::unique_ptr<SpanExporter>> make_exporter(ZipkinExporterOptions o) {
  auto url = exporting::parse_url(o.server_url);
  if (!url) return invalid("zipkin: " + url.error().message);
  if (o.timeout <= std::chrono::milliseconds(0)) return invalid("zipkin: timeout must be positive");
  exporting::HttpSenderOptions s = exporting::sender_options("zipkin exporter", *url, o);
  s.headers.emplace_back("Content-Type", "application/json");
  for (auto& h : o.headers) {
    for (char c : h.first + h.second) {
      if (c == '\r' || c == '\n' || c == '\0') return invalid("zipkin: invalid header");
    }
    s.headers.push_back(h);
  }
  auto sender = exporting::HttpSender::create(std::move(s));
  if (!sender) return invalid("zipkin: " + sender.error().message);
  return std::unique_ptr<SpanExporter>(
      new Exporter(std::move(*sender), std::move(o.local_endpoint)));
}

}  // namespace argus::trace::zipkin
