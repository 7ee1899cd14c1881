// Settings to Config. Every value here has passed its schema check already, so conversions
// cannot fail; only rules spanning several keys produce errors.
#include "config/finalize.h"

#include <boost/json.hpp>

#include "config/values.h"

namespace argus::config {
namespace json = boost::json;

namespace {

class Reader {
 public:
  explicit Reader(const Settings& s) : s_(s) {}
  const Setting* find(const std::string& key) const {
    auto it = s_.find(key);
    return it == s_.end() ? nullptr : &it->second;
  }
  bool has(const std::string& key) const { return find(key) != nullptr; }
  std::string str(const std::string& key) const {
    const Setting* s = find(key);
    return s && s->value.is_string() ? std::string(s->value.get_string()) : std::string();
  }
  std::int64_t integer(const std::string& key, std::int64_t fallback = 0) const {
    const Setting* s = find(key);
    return s && s->value.is_number() ? s->value.to_number<std::int64_t>() : fallback;
  }
  double number(const std::string& key, double fallback) const {
    const Setting* s = find(key);
    return s && s->value.is_number() ? s->value.to_number<double>() : fallback;
  }
  bool boolean(const std::string& key) const {
    const Setting* s = find(key);
    return s && s->value.is_bool() && s->value.get_bool();
  }
  std::vector<std::string> strings(const std::string& key) const {
    std::vector<std::string> out;
    const Setting* s = find(key);
    if (s && s->value.is_array()) {
      for (const auto& v : s->value.get_array()) {
        if (v.is_string()) out.emplace_back(v.get_string());
      }
    }
    return out;
  }
  template <typename D>
  D duration(const std::string& key) const {
    auto d = parse_duration(str(key));
    return std::chrono::duration_cast<D>(d.value_or(std::chrono::nanoseconds(0)));
  }
  Source source(const std::string& key) const {
    const Setting* s = find(key);
    return s ? s->source : Source{};
  }

 private:
  const Settings& s_;
};

std::vector<std::string> legacy_propagators(const std::string& propagation) {
  std::vector<std::string> out;
  std::string_view rest = propagation;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item == "w3c" ? "tracecontext" : std::string(item));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

void fill_tracing(const Reader& r, TracingSettings& t) {
  t.provider = r.str("tracing.provider");
  t.service_name = r.str("tracing.service_name");
  t.deployment_environment = r.str("tracing.deployment_environment");
  auto& j = t.jaeger;
  j.local_agent_address = r.str("tracing.providers.jaeger.local_agent_address");
  j.sampling_server_url = r.str("tracing.providers.jaeger.sampling.server_url");
  j.sampling_trace_id_ratio = r.number("tracing.providers.jaeger.sampling.trace_id_ratio", 1.0);
  j.sampling_type = r.str("tracing.providers.jaeger.sampling.type");
  j.sampling_value = r.number("tracing.providers.jaeger.sampling.value", 1.0);
  j.sampling_refresh_interval =
      r.duration<std::chrono::milliseconds>("tracing.providers.jaeger.sampling.refresh_interval");
  t.zipkin.server_url = r.str("tracing.providers.zipkin.server_url");
  t.zipkin.sampling_ratio = r.number("tracing.providers.zipkin.sampling.sampling_ratio", 1.0);
  auto& o = t.otlp;
  o.server_url = r.str("tracing.providers.otlp.server_url");
  o.insecure = r.boolean("tracing.providers.otlp.insecure");
  o.sampling_ratio = r.number("tracing.providers.otlp.sampling.sampling_ratio", 1.0);
  o.authorization_header = r.str("tracing.providers.otlp.authorization_header");
  o.protocol = r.str("tracing.providers.otlp.protocol");
  o.compression = r.str("tracing.providers.otlp.compression");
  t.propagators = r.strings("tracing.propagators");
  // Ory's older providers.jaeger.propagation applies unless tracing.propagators was set.
  auto prop_source = r.source("tracing.propagators").kind;
  bool propagators_given =
      prop_source != Source::Kind::kDefault && prop_source != Source::Kind::kDevDefault;
  if (r.has("tracing.providers.jaeger.propagation") && !propagators_given) {
    t.propagators = legacy_propagators(r.str("tracing.providers.jaeger.propagation"));
  }
  t.skip_paths = r.strings("tracing.skip_paths");
  t.span_name = r.str("tracing.span_name");
  t.batch.max_queue_size = static_cast<std::uint32_t>(r.integer("tracing.batch.max_queue_size"));
  t.batch.max_export_batch_size =
      static_cast<std::uint32_t>(r.integer("tracing.batch.max_export_batch_size"));
  t.batch.schedule_delay = r.duration<std::chrono::milliseconds>("tracing.batch.schedule_delay");
  t.batch.export_timeout = r.duration<std::chrono::milliseconds>("tracing.batch.export_timeout");
}

void check_rules(const Reader& r, const Config& c, const LoadOptions& options,
                 std::vector<ConfigError>& errors) {
  auto fail = [&](const std::string& key, std::string message) {
    errors.push_back({key, r.source(key), std::move(message)});
  };
  const auto& b = c.tracing.batch;
  if (b.max_export_batch_size > b.max_queue_size) {
    fail("tracing.batch.max_export_batch_size", "expected at most tracing.batch.max_queue_size (" +
                                                    std::to_string(b.max_queue_size) + "), got " +
                                                    std::to_string(b.max_export_batch_size));
  }
  const auto& j = c.tracing.jaeger;
  const std::string value_key = "tracing.providers.jaeger.sampling.value";
  if (j.sampling_type == "probabilistic" && j.sampling_value > 1) {
    fail(value_key, "expected a probability from 0 to 1 for sampling.type probabilistic, got " +
                        display_value(json::value(j.sampling_value)));
  }
  if (j.sampling_type == "const" && j.sampling_value != 0 && j.sampling_value != 1) {
    fail(value_key, "expected 0 or 1 for sampling.type const, got " +
                        display_value(json::value(j.sampling_value)));
  }
  for (const auto& [key, d] : {std::pair{"tracing.batch.schedule_delay", b.schedule_delay},
                               std::pair{"tracing.batch.export_timeout", b.export_timeout}}) {
    if (d.count() < 1) fail(key, "expected at least 1ms");
  }
  if (c.access_token_ttl.count() < 1) fail("ttl.access_token", "expected at least 1s");
  if (c.serve_idle_poll > std::chrono::milliseconds(1))
    fail("serve.idle_poll", "expected at most 1ms");
  if (options.require_secrets && c.secrets_system.empty()) {
    errors.push_back({"secrets.system", Source{},
                      "required: at least one secret of 16 or more characters (e.g. the "
                      "environment variable SECRETS_SYSTEM), or run with --dev"});
  }
}

}  // namespace

std::vector<ConfigError> finalize(const Settings& settings, const LoadOptions& options,
                                  Config* out) {
  Reader r(settings);
  Config c;
  c.serve_public.host = r.str("serve.public.host");
  c.serve_public.port = static_cast<std::uint16_t>(r.integer("serve.public.port"));
  c.serve_admin.host = r.str("serve.admin.host");
  c.serve_admin.port = static_cast<std::uint16_t>(r.integer("serve.admin.port"));
  c.serve_io_batching = r.boolean("serve.io_batching");
  c.serve_idle_poll = r.duration<std::chrono::nanoseconds>("serve.idle_poll");
  c.dsn = r.str("dsn");
  c.secrets_system = r.strings("secrets.system");
  c.bcrypt_cost = static_cast<std::uint32_t>(r.integer("oauth2.hashers.bcrypt.cost"));
  c.access_token_ttl = r.duration<std::chrono::seconds>("ttl.access_token");
  c.token_purge_interval = r.duration<std::chrono::seconds>("oauth2.token_purge_interval");
  c.issuer = r.str("urls.self.issuer");
  if (c.issuer.empty()) c.issuer = "http://localhost:" + std::to_string(c.serve_public.port) + "/";
  c.log.level = r.str("log.level");
  c.log.format = r.str("log.format");
  c.log.leak_sensitive_values = r.boolean("log.leak_sensitive_values");
  fill_tracing(r, c.tracing);
  c.dev = options.dev;
  std::vector<ConfigError> errors;
  check_rules(r, c, options, errors);
  *out = std::move(c);
  return errors;
}

}  // namespace argus::config
