// The OTLP/HTTP exporter: encodes each batch (protobuf or JSON, optionally gzip) and posts it
// through HttpSender. Also the OTEL_EXPORTER_OTLP_* environment helper.
#include <charconv>
#include <cstdlib>

#include "argus/trace/export/otlp.h"
#include "trace/export/http/gzip.h"
#include "trace/export/http/http_sender.h"
#include "trace/export/otlp/otlp_encode.h"

namespace argus::trace::otlp {

namespace {
using exporting::ByteBuffer;

// Each span becomes the ScopeSpans.spans field on the thread that ends it; the export thread
// then only writes the request around those fields.
class ProtobufSpanEncoder final : public SpanEncoder {
 public:
  std::string_view encode(const SpanData& span) const noexcept override try {
    thread_local ByteBuffer scratch;
    return encode_span_protobuf(span, scratch);
  } catch (...) {
    return {};  // out of memory: the processor queues the record instead
  }
  bool takes_attribute_sets() const noexcept override { return true; }
};

class Exporter final : public OtlpExporter {
 public:
  Exporter(std::unique_ptr<exporting::HttpSender> sender, bool json, bool gzip, std::string url)
      : sender_(std::move(sender)), json_(json), gzip_(gzip), url_(std::move(url)) {}

  ExportResult export_spans(std::span<const SpanData* const> spans) noexcept override {
    return encode_and_send(spans.size(), [&] {
      if (json_) {
        encode_json(spans, body_);
      } else {
        encode_protobuf(spans, body_);
      }
    });
  }

  const SpanEncoder* encoder() const noexcept override { return json_ ? nullptr : &encoder_; }

  ExportResult export_encoded(std::span<const EncodedSpan> spans) noexcept override {
    return encode_and_send(spans.size(), [&] { encode_protobuf(spans, body_); });
  }

  void shutdown(std::chrono::milliseconds) noexcept override { sender_->shutdown(); }
  ExporterStats stats() const override { return sender_->stats(); }
  std::string endpoint() const override { return url_; }

 private:
  // Writes the request into body_ with `encode` and sends it.
  template <typename Encode>
  ExportResult encode_and_send(std::size_t spans, Encode&& encode) noexcept try {
    if (spans == 0) return ExportResult::kSuccess;
    if (sender_->is_shut_down()) {  // do not even read the spans: the provider may be gone
      sender_->recorder().failed(spans, "shutdown", "exporter is shut down");
      return ExportResult::kFailure;
    }
    encode();
    return send_body(spans);
  } catch (...) {
    sender_->recorder().failed(spans, "internal", "out of memory while encoding");
    return ExportResult::kFailure;
  }

  ExportResult send_body(std::size_t spans) {
    std::string_view payload = body_.view();
    if (gzip_) {
      if (!exporting::gzip_compress(payload, compressed_)) {
        sender_->recorder().failed(spans, "gzip", "gzip compression failed");
        return ExportResult::kFailure;
      }
      payload = compressed_.view();
    }
    return sender_->send(payload, spans);
  }

  ProtobufSpanEncoder encoder_;
  std::unique_ptr<exporting::HttpSender> sender_;
  bool json_;
  bool gzip_;
  std::string url_;
  ByteBuffer body_;
  ByteBuffer compressed_;
};

Error invalid(std::string message) {
  return Error{Error::Code::invalid_config, std::move(message)};
}

// {server_url}/v1/traces, where server_url is Ory's host:port or a full URL.
Expected<exporting::Url> traces_url(const OtlpExporterOptions& o) {
  if (!o.traces_endpoint.empty()) return exporting::parse_url(o.traces_endpoint);
  std::string base = o.server_url;
  if (base.find("://") == std::string::npos) {
    base = (o.insecure ? "http://" : "https://") + base;
  }
  auto url = exporting::parse_url(base);
  if (!url) return url;
  auto& target = url->target;
  auto query = target.find('?');
  std::string path = target.substr(0, query);
  while (!path.empty() && path.back() == '/') path.pop_back();
  target = path + "/v1/traces" + (query == std::string::npos ? "" : target.substr(query));
  return url;
}

bool valid_header_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == ':') return false;
  }
  return true;
}

bool valid_header_value(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}
}  // namespace

Expected<std::unique_ptr<SpanExporter>> make_exporter(OtlpExporterOptions o) {
  bool json = o.protocol == "http/json";
  if (!json && o.protocol != "http/protobuf") {
    return invalid("otlp: protocol must be http/protobuf or http/json, not '" + o.protocol + "'");
  }
  if (o.compression != "" && o.compression != "gzip" && o.compression != "none") {
    return invalid("otlp: compression must be empty, none or gzip, not '" + o.compression + "'");
  }
  if (o.timeout <= std::chrono::milliseconds(0)) return invalid("otlp: timeout must be positive");
  auto url = traces_url(o);
  if (!url) return invalid("otlp: " + url.error().message);
  exporting::HttpSenderOptions s = exporting::sender_options("otlp exporter", *url, o);
  s.headers.emplace_back("Content-Type", json ? "application/json" : "application/x-protobuf");
  if (o.compression == "gzip") s.headers.emplace_back("Content-Encoding", "gzip");
  if (!o.authorization_header.empty()) {
    if (!valid_header_value(o.authorization_header)) {
      return invalid("otlp: authorization_header contains a line break");
    }
    s.headers.emplace_back("Authorization", o.authorization_header);
  }
  for (auto& [k, v] : o.headers) {
    if (!valid_header_token(k) || !valid_header_value(v)) {
      return invalid("otlp: invalid header '" + k + "'");
    }
    s.headers.emplace_back(k, v);
  }
  std::string endpoint = url->to_string();
  auto sender = exporting::HttpSender::create(std::move(s));
  if (!sender) return invalid("otlp: " + sender.error().message);
  return std::unique_ptr<SpanExporter>(
      new Exporter(std::move(*sender), json, o.compression == "gzip", std::move(endpoint)));
}

namespace {
std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      unsigned v = 0;
      auto r = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (r.ec == std::errc() && r.ptr == s.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "k1=v1,k2=v2" (values percent-encoded) as in the OpenTelemetry environment spec.
Expected<std::vector<std::pair<std::string, std::string>>> parse_headers(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    if (eq == std::string_view::npos) return invalid("OTEL_EXPORTER_OTLP_HEADERS: missing '='");
    std::string key = percent_decode(trim(item.substr(0, eq)));
    if (!valid_header_token(key)) return invalid("OTEL_EXPORTER_OTLP_HEADERS: invalid key");
    out.emplace_back(std::move(key), percent_decode(trim(item.substr(eq + 1))));
  }
  return out;
}

const char* pick(const EnvGetter& get, const char* traces_name, const char* general_name) {
  const char* v = get(traces_name);
  if (v && *v) return v;
  v = get(general_name);
  return v && *v ? v : nullptr;
}
}  // namespace

Expected<OtlpExporterOptions> apply_environment(OtlpExporterOptions o, const EnvGetter& getenv) {
  EnvGetter get = getenv ? getenv : EnvGetter([](const char* n) { return std::getenv(n); });
  if (const char* v = get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); v && *v) {
    o.traces_endpoint = v;
  } else if (const char* e = get("OTEL_EXPORTER_OTLP_ENDPOINT"); e && *e) {
    o.server_url = e;  // a full URL; /v1/traces is appended
    o.traces_endpoint.clear();
  }
  if (const char* v =
          pick(get, "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS")) {
    auto headers = parse_headers(v);
    if (!headers) return headers.error();
    for (auto& h : *headers) {
      if (h.first == "Authorization" || h.first == "authorization") {
        o.authorization_header = std::move(h.second);
      } else {
        o.headers.push_back(std::move(h));
      }
    }
  }
  if (const char* v =
          pick(get, "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION")) {
    std::string c = v;
    if (c != "gzip" && c != "none") {
      return invalid("OTEL_EXPORTER_OTLP_COMPRESSION must be gzip or none");
    }
    o.compression = c == "gzip" ? "gzip" : "";
  }
  if (const char* v =
          pick(get, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")) {
    std::string_view s = v;
    long long ms = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), ms);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || ms <= 0) {
      return invalid("OTEL_EXPORTER_OTLP_TIMEOUT must be a positive number of milliseconds");
    }
    o.timeout = std::chrono::milliseconds(ms);
  }
  if (const char* v =
          pick(get, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")) {
    std::string p = v;
    if (p != "http/protobuf" && p != "http/json") {
      return invalid("OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json");
    }
    o.protocol = p;
  }
  return o;
}

}  // namespace argus::trace::otlp
