// propagation-tool: a thin command-line face of the propagators, for interop tests.
//
//   propagation-tool extract FORMAT...  stdin: {"header": "value" | ["v1", "v2"], ...}
//       stdout: {"found", "trace_id", "span_id", "sampled", "debug", "remote", "trace_state",
//                "sampling_denied", "baggage": {key: value}}
//   propagation-tool inject FORMAT...   stdin: {"trace_id", "span_id", "sampled", "debug",
//                "trace_state", "baggage": {key: value}}; stdout: {"header": "value", ...}
//
// FORMAT is any name make_propagator() accepts. Errors go to stderr with exit status 2.
#include <boost/json.hpp>
#include <iostream>
#include <iterator>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "argus/trace/propagation.h"

namespace json = boost::json;
namespace trace = argus::trace;

namespace {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

std::string hex_or_empty(const trace::SpanContext& c, bool trace_id) {
  if (!c.is_valid()) return {};
  return trace_id ? c.trace_id.to_hex() : c.span_id.to_hex();
}

HeaderList headers_from(const json::object& in) {
  HeaderList headers;
  for (const auto& [name, value] : in) {
    if (value.is_array()) {
      for (const auto& v : value.as_array())
        headers.emplace_back(name, json::value_to<std::string>(v));
    } else {
      headers.emplace_back(name, json::value_to<std::string>(value));
    }
  }
  return headers;
}

json::object extract(const trace::Propagator& p, const json::object& in) {
  const HeaderList headers = headers_from(in);
  trace::PropagationContext ctx;
  const bool found = p.extract(trace::PairRangeReader(headers), ctx);
  json::object baggage;
  for (const auto& e : ctx.baggage.entries) baggage[e.key] = e.value;
  const auto& c = ctx.span_context;
  return json::object{{"found", found},
                      {"trace_id", hex_or_empty(c, true)},
                      {"span_id", hex_or_empty(c, false)},
                      {"sampled", c.is_sampled()},
                      {"debug", c.debug},
                      {"remote", c.remote},
                      {"trace_state", c.trace_state},
                      {"sampling_denied", ctx.sampling_denied},
                      {"baggage", std::move(baggage)}};
}

json::object inject(const trace::Propagator& p, const json::object& in) {
  trace::SpanContext c;
  c.trace_id = trace::TraceId::from_hex(json::value_to<std::string>(in.at("trace_id")));
  c.span_id = trace::SpanId::from_hex(json::value_to<std::string>(in.at("span_id")));
  if (in.contains("sampled") && in.at("sampled").as_bool()) c.flags |= trace::TraceFlags::kSampled;
  if (in.contains("debug")) c.debug = in.at("debug").as_bool();
  if (in.contains("trace_state")) c.trace_state = json::value_to<std::string>(in.at("trace_state"));
  trace::Baggage baggage;
  if (in.contains("baggage")) {
    for (const auto& [k, v] : in.at("baggage").as_object()) {
      baggage.entries.push_back({std::string(k), json::value_to<std::string>(v), ""});
    }
  }
  std::map<std::string, std::string> out;
  trace::MapWriter writer(out);
  p.inject(c, baggage, writer);
  json::object headers;
  for (const auto& [k, v] : out) headers[k] = v;
  return headers;
}

int usage() {
  std::cerr << "usage: propagation-tool extract|inject FORMAT... (JSON on stdin)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string mode = argv[1];
  if (mode != "extract" && mode != "inject") return usage();
  const std::vector<std::string> names(argv + 2, argv + argc);
  auto propagator = trace::make_propagator(names);
  if (!propagator) {
    std::cerr << "propagation-tool: " << propagator.error().message << "\n";
    return 2;
  }
  try {
    const std::string input((std::istreambuf_iterator<char>(std::cin)),
                            std::istreambuf_iterator<char>());
    const json::object in = json::parse(input).as_object();
    const json::object out =
        mode == "extract" ? extract(**propagator, in) : inject(**propagator, in);
    std::cout << json::serialize(out) << "\n";
  } catch (const std::exception& e) {
    std::cerr << "propagation-tool: bad input: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
