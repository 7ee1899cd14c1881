// Observability of each HTTP exchange: the top-level SERVER span (named after the request path,
// joined to the caller's trace through the propagators) and the structured request log line
// carrying trace_id and span_id. Nothing secret is recorded: no header but User-Agent, no query,
// no body.
#pragma once

#include <spdlog/logger.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "argus/trace/propagation.h"
#include "argus/trace/tracer.h"
#include "http/message.h"

namespace argus::http {

// A logger and the line format its pattern expects, chosen together.
struct LogOutput {
  std::shared_ptr<spdlog::logger> logger;
  bool json = false;
};

// The request log's output, switchable between text and JSON while requests run (log.format is
// live on SIGHUP). Both outputs live as long as the switch, so a switch is one pointer store and
// a line is written with one output's pattern and that same output's fields, never a mix.
class LogSwitch {
 public:
  LogSwitch(LogOutput text, LogOutput json, bool use_json)
      : text_(std::move(text)), json_(std::move(json)), current_(use_json ? &json_ : &text_) {}
  LogSwitch(const LogSwitch&) = delete;
  LogSwitch& operator=(const LogSwitch&) = delete;

  const LogOutput& current() const noexcept { return *current_.load(std::memory_order_acquire); }
  void use_json(bool json) noexcept { current_.store(json ? &json_ : &text_); }
  void set_level(spdlog::level::level_enum level) {
    text_.logger->set_level(level);
    json_.logger->set_level(level);
  }

 private:
  LogOutput text_, json_;
  std::atomic<const LogOutput*> current_;
};

// Writes `msg` as a line of the log's current format: in JSON, as the "msg" field (escaped, and
// made valid UTF-8, so a driver's multi-line error or a stray byte cannot break the line).
void log_message(const LogSwitch& log, spdlog::level::level_enum level, std::string_view msg);

struct ObserveOptions {
  argus::trace::Tracer* tracer = nullptr;  // null: no tracing
  const argus::trace::Propagator* propagator = nullptr;
  bool span_name_is_route = false;       // tracing.span_name: "route" instead of "path"
  std::vector<std::string> skip_paths;   // globs ('*' matches anything): not traced
  std::shared_ptr<const LogSwitch> log;  // null: no request log
};

// Reads trace headers straight out of the Beast request: no copies, case-insensitive names.
class BeastCarrierReader final : public argus::trace::CarrierReader {
 public:
  explicit BeastCarrierReader(const BeastRequest& request) : request_(request) {}
  std::size_t get_all(std::string_view name, std::string_view* out,
                      std::size_t max) const noexcept override;
  // Jaeger's uberctx-* baggage is keyed by a header-name prefix, so it needs enumeration.
  void for_each_prefixed(std::string_view prefix,
                         argus::trace::HeaderVisitor& visitor) const noexcept override;
  bool contains_any(std::span<const std::string_view> names,
                    std::span<const std::string_view> prefixes) const noexcept override;

 private:
  const BeastRequest& request_;
};

// '*' matches any run of characters (including '/'); everything else literally.
bool glob_match(std::string_view pattern, std::string_view text) noexcept;

struct ConnectionInfo {
  std::string server_address;
  std::uint16_t server_port = 0;
  std::string client_address;
  // The three as the attributes of the connection's server spans, from the server's
  // ConnectionAttributeSets; null when not tracing.
  std::shared_ptr<const argus::trace::AttributeSet> span_attributes;
};

// Connections from one client address to one listener share one set of span attributes. A
// set per connection would be cold by the time its next request comes (a server cycles through
// many connections), and each request's span reads it twice.
class ConnectionAttributeSets {
 public:
  // The set for `connection`'s addresses: shared while any connection holds it, a private one
  // when more than kMaxShared distinct sets are alive.
  std::shared_ptr<const argus::trace::AttributeSet> get(const ConnectionInfo& connection);
  std::size_t shared_count();  // sets the cache remembers, alive or not yet purged

  static constexpr std::size_t kMaxShared = 1024;

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::weak_ptr<const argus::trace::AttributeSet>> sets_;
};

// One exchange, from the parsed request to the written response.
class Exchange {
 public:
  Exchange(const ObserveOptions& options, const ConnectionInfo& connection,
           const BeastRequest& request, std::string_view path, std::string_view route);
  argus::trace::Span& span() noexcept { return span_; }
  const argus::trace::SpanContext& context() const noexcept { return span_.context(); }
  // Tags the status, ends the span and writes the log line.
  void finish(unsigned status) noexcept;

 private:
  const ObserveOptions& options_;
  const ConnectionInfo& connection_;
  const BeastRequest& request_;
  std::string_view path_;
  bool traced_ = false;
  std::chrono::steady_clock::time_point start_;
  argus::trace::Span span_;
  argus::trace::SpanContext parent_;  // the caller's context, for the log when not traced
};

}  // namespace argus::http
