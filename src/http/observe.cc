#include "http/observe.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "http/utf8_text.h"

namespace argus::http {
namespace trace = argus::trace;

void log_message(const LogSwitch& log, spdlog::level::level_enum level, std::string_view msg) {
  const LogOutput& out = log.current();
  if (!out.logger->should_log(level)) return;
  std::string storage;
  std::string_view text = utf8_text(msg, storage);
  if (!out.json) {
    out.logger->log(level, "{}", text);
    return;
  }
  // The logger's JSON pattern supplies the braces, time and level around the field.
  std::string field = "\"msg\":" + boost::json::serialize(boost::json::string_view(text));
  out.logger->log(level, "{}", field);
}

// A linear scan rather than Beast's keyed lookup: the propagators ask for about ten names per
// request that carries trace headers (contains_any turns the others away in one pass), and a
// request carries few headers, most of which differ from the name in length.
std::size_t BeastCarrierReader::get_all(std::string_view name, std::string_view* out,
                                        std::size_t max) const noexcept {
  std::size_t n = 0;
  for (const auto& field : request_) {
    auto key = field.name_string();
    if (!trace::carrier_detail::equals_ignore_case(std::string_view(key.data(), key.size()), name))
      continue;
    if (n < max) out[n] = std::string_view(field.value().data(), field.value().size());
    ++n;
  }
  return n;
}

void BeastCarrierReader::for_each_prefixed(std::string_view prefix,
                                           trace::HeaderVisitor& visitor) const noexcept {
  for (const auto& field : request_) {
    std::string_view name(field.name_string().data(), field.name_string().size());
    if (!trace::carrier_detail::starts_with_lower(name, prefix)) continue;
    visitor.visit(name, std::string_view(field.value().data(), field.value().size()));
  }
}

bool BeastCarrierReader::contains_any(std::span<const std::string_view> names,
                                      std::span<const std::string_view> prefixes) const noexcept {
  for (const auto& field : request_) {
    std::string_view name(field.name_string().data(), field.name_string().size());
    if (trace::carrier_detail::matches_any(name, names, prefixes)) return true;
  }
  return false;
}

bool glob_match(std::string_view pattern, std::string_view text) noexcept {
  // Iterative matcher with single-star backtracking: linear enough for short patterns.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

std::string_view sv(boost::beast::string_view s) {
  return {s.data(), s.size()};
}

// A walk over the few request headers, comparing the field codes Beast parsed: cheaper than its
// keyed lookup, which compares names as text.
std::string_view header(const BeastRequest& request, boost::beast::http::field name) {
  for (const auto& field : request) {
    if (field.name() == name) return sv(field.value());
  }
  return {};
}

bool skipped(const ObserveOptions& options, std::string_view path) {
  for (const auto& pattern : options.skip_paths)
    if (glob_match(pattern, path)) return true;
  return false;
}

}  // namespace

std::shared_ptr<const trace::AttributeSet> ConnectionAttributeSets::get(
    const ConnectionInfo& connection) {
  const trace::KeyValue attrs[] = {
      {"server.address", connection.server_address},
      {"server.port", static_cast<std::int64_t>(connection.server_port)},
      {"client.address", connection.client_address},
  };
  std::string key = connection.server_address;
  key += ' ';
  key += std::to_string(connection.server_port);
  key += ' ';
  key += connection.client_address;
  std::lock_guard lock(mutex_);
  auto found = sets_.find(key);
  if (found != sets_.end()) {
    if (auto set = found->second.lock()) return set;
  }
  auto created = trace::AttributeSet::create(attrs);  // strings and an integer: cannot fail
  if (!created) return nullptr;
  std::shared_ptr<const trace::AttributeSet> set = std::move(*created);
  if (found != sets_.end()) {
    found->second = set;
    return set;
  }
  if (sets_.size() >= kMaxShared) {
    std::erase_if(sets_, [](const auto& entry) { return entry.second.expired(); });
  }
  if (sets_.size() < kMaxShared) sets_.emplace(std::move(key), set);
  return set;
}

std::size_t ConnectionAttributeSets::shared_count() {
  std::lock_guard lock(mutex_);
  return sets_.size();
}

Exchange::Exchange(const ObserveOptions& options, const ConnectionInfo& connection,
                   const BeastRequest& request, std::string_view path, std::string_view route)
    : options_(options),
      connection_(connection),
      request_(request),
      path_(path),
      start_(std::chrono::steady_clock::now()) {
  trace::PropagationContext extracted;
  if (options.propagator) options.propagator->extract(BeastCarrierReader(request), extracted);
  parent_ = extracted.span_context;
  if (!options.tracer || skipped(options, path)) return;
  traced_ = true;
  std::string_view method = sv(request.method_string());
  std::string_view user_agent = header(request, boost::beast::http::field::user_agent);
  // The connection's three first: a span refers to them through the connection's set if it has
  // one, and copies them otherwise.
  trace::KeyValue attrs[] = {
      {"server.address", connection.server_address},
      {"server.port", static_cast<std::int64_t>(connection.server_port)},
      {"client.address", connection.client_address},
      {"http.method", method},
      {"http.route", route.empty() ? path : route},  // unmatched: the route is unknown
      {"url.path", path},
      {"user_agent.original", user_agent},
  };
  const std::size_t first = connection.span_attributes ? 3 : 0;
  const std::size_t end = user_agent.empty() ? 6 : 7;
  trace::StartSpanOptions start;
  start.parent = parent_.is_valid() ? &parent_ : nullptr;
  start.root = true;  // never inherit a thread-local span from unrelated work
  start.kind = trace::SpanKind::kServer;
  start.sampling_denied = extracted.sampling_denied;  // B3 "b3: 0": this new root is not sampled
  start.attributes = std::span<const trace::KeyValue>(attrs + first, end - first);
  start.attribute_set = connection.span_attributes.get();
  std::string_view name = options.span_name_is_route && !route.empty() ? route : path;
  span_ = options.tracer->start_span(name, start);
}

void Exchange::finish(unsigned status) noexcept {
  // Read the ids before ending: an ended span hands its record back to the pool.
  const trace::SpanContext ctx = traced_ ? span_.context() : parent_;
  if (traced_) {
    span_.set_attribute("http.status_code", static_cast<std::int64_t>(status));
    if (status >= 400) span_.set_attribute("error", true);
    if (status >= 500) span_.set_status(trace::StatusCode::kError);
    span_.end();
  }
  if (!options_.log) return;
  const LogOutput& out = options_.log->current();
  auto level = traced_ ? spdlog::level::info : spdlog::level::debug;
  if (!out.logger->should_log(level)) return;
  char trace_id[32], span_id[16];
  ctx.trace_id.to_hex(trace_id);
  ctx.span_id.to_hex(span_id);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  std::string_view method = sv(request_.method_string());
  std::string path_storage;
  std::string_view path = utf8_text(path_, path_storage);
  try {
    if (out.json) {
      boost::json::object o;
      o["msg"] = "request";
      o["http.method"] = method;
      o["url.path"] = path;
      o["http.status_code"] = status;
      o["duration_ms"] = ms;
      o["client.address"] = connection_.client_address;
      o["trace_id"] = std::string_view(trace_id, 32);
      o["span_id"] = std::string_view(span_id, 16);
      // The logger's JSON pattern supplies the braces, time and level around these fields.
      std::string fields = boost::json::serialize(o);
      out.logger->log(level, "{}", std::string_view(fields).substr(1, fields.size() - 2));
    } else {
      out.logger->log(level, "{} {} {} {:.3f}ms client={} trace_id={} span_id={}", method, path,
                      status, ms, connection_.client_address, std::string_view(trace_id, 32),
                      std::string_view(span_id, 16));
    }
  } catch (...) {
    // Logging must never fail a request.
  }
}

}  // namespace argus::http
