// Prints finished traces as trees. Spans wait per trace until the trace's local root arrives,
// then the whole tree is printed at once, so concurrent requests never interleave their lines.
#include "argus/trace/console_exporter.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace argus::trace {
namespace {

struct Line {
  std::uint64_t span_id;
  std::uint64_t parent_id;
  bool is_root;
  std::int64_t start_ns;
  std::string text;  // everything after the tree prefix
};

std::string format_duration(std::int64_t ns) {
  char buf[32];
  if (ns < 1'000'000) {
    std::snprintf(buf, sizeof(buf), "%.0fus", static_cast<double>(ns) / 1e3);
  } else if (ns < 1'000'000'000) {
    std::snprintf(buf, sizeof(buf), "%.2fms", static_cast<double>(ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof(buf), "%.3fs", static_cast<double>(ns) / 1e9);
  }
  return buf;
}

// Arrays are shown by their length only: "[3 ints]".
void append_array(std::string& out, std::size_t size, std::string_view element) {
  out += '[';
  out += std::to_string(size);
  out += ' ';
  out += element;
  out += ']';
}

void append_value(std::string& out, const AttributeValue& v) {
  char buf[32];
  switch (v.type()) {
    case AttributeType::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case AttributeType::kInt:
      out += std::to_string(v.as_int());
      return;
    case AttributeType::kDouble:
      std::snprintf(buf, sizeof(buf), "%g", v.as_double());
      out += buf;
      return;
    case AttributeType::kString:
      out += v.as_string();
      return;
    case AttributeType::kBoolArray:
      return append_array(out, v.bool_array().size(), "bools");
    case AttributeType::kIntArray:
      return append_array(out, v.int_array().size(), "ints");
    case AttributeType::kDoubleArray:
      return append_array(out, v.double_array().size(), "doubles");
    case AttributeType::kStringArray:
      return append_array(out, v.string_array().size(), "strings");
  }
}

std::string shorten(std::string value, std::size_t max_chars) {
  if (value.size() <= max_chars) return value;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  value.resize(cut);
  return value + "…";
}

std::string describe(const SpanData& s, const ConsoleExporterOptions& options) {
  std::string text = s.name + "  " + format_duration(s.duration_ns());
  if (s.kind != SpanKind::kInternal) text += "  [" + std::string(to_string(s.kind)) + "]";
  if (s.status.code == StatusCode::kError) {
    text += "  ERROR";
    if (!s.status.message.empty())
      text += " \"" + shorten(s.status.message, options.max_value_chars) + "\"";
  } else if (s.status.code == StatusCode::kOk) {
    text += "  OK";
  }
  for (const Attribute& a : s.attributes.items()) {
    std::string value;
    append_value(value, a.value);
    text += "  " + a.key + "=" + shorten(std::move(value), options.max_value_chars);
  }
  for (const SpanEvent& e : s.events()) text += "  @" + e.name;
  return text;
}

}  // namespace

struct ConsoleExporter::State {
  std::ostream* out;
  ConsoleExporterOptions options;
  std::mutex mutex;
  std::map<std::string, std::vector<Line>> pending;  // by trace id (hex)
  std::vector<std::string> arrival;                  // oldest first, for eviction

  void print_children(std::ostringstream& os, const std::vector<Line>& lines, std::uint64_t parent,
                      const std::string& prefix, std::vector<bool>& printed) {
    std::vector<std::size_t> kids;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (!printed[i] && !lines[i].is_root && lines[i].parent_id == parent) kids.push_back(i);
    }
    std::sort(kids.begin(), kids.end(),
              [&](std::size_t a, std::size_t b) { return lines[a].start_ns < lines[b].start_ns; });
    for (std::size_t k = 0; k < kids.size(); ++k) {
      const bool last = k + 1 == kids.size();
      printed[kids[k]] = true;
      os << prefix << (last ? "└─ " : "├─ ") << lines[kids[k]].text << "\n";
      print_children(os, lines, lines[kids[k]].span_id, prefix + (last ? "   " : "│  "), printed);
    }
  }

  void print_trace(const std::string& trace_id) {
    auto it = pending.find(trace_id);
    if (it == pending.end()) return;
    std::vector<Line>& lines = it->second;
    std::sort(lines.begin(), lines.end(),
              [](const Line& a, const Line& b) { return a.start_ns < b.start_ns; });
    std::ostringstream os;
    os << "trace " << trace_id << " (" << lines.size()
       << (lines.size() == 1 ? " span)\n" : " spans)\n");
    std::vector<bool> printed(lines.size(), false);
    // Roots first; then spans whose parent never arrived, as orphans at the top level.
    for (std::size_t i = 0; i < lines.size(); ++i) {
      bool parent_known = false;
      for (const Line& l : lines)
        parent_known |= !lines[i].is_root && l.span_id == lines[i].parent_id;
      if (printed[i] || parent_known) continue;
      printed[i] = true;
      os << "└─ " << lines[i].text << "\n";
      print_children(os, lines, lines[i].span_id, "   ", printed);
    }
    *out << os.str() << std::flush;
    pending.erase(it);
    arrival.erase(std::remove(arrival.begin(), arrival.end(), trace_id), arrival.end());
  }

  void print_all() {
    while (!arrival.empty()) print_trace(arrival.front());
  }
};

ConsoleExporter::ConsoleExporter(std::ostream* out, ConsoleExporterOptions options)
    : state_(std::make_unique<State>()) {
  state_->out = out ? out : &std::cout;
  state_->options = options;
}

ConsoleExporter::~ConsoleExporter() {
  std::lock_guard lock(state_->mutex);
  state_->print_all();
}

ExportResult ConsoleExporter::export_spans(std::span<const SpanData* const> spans) noexcept {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> complete;
  for (const SpanData* s : spans) {
    std::string trace_id = s->context.trace_id.to_hex();
    auto [it, inserted] = state_->pending.try_emplace(trace_id);
    if (inserted) state_->arrival.push_back(trace_id);
    it->second.push_back({s->context.span_id.value(), s->parent_span_id.value(), s->is_local_root(),
                          s->start_unix_ns, describe(*s, state_->options)});
    if (s->is_local_root()) complete.push_back(trace_id);
  }
  for (const auto& id : complete) state_->print_trace(id);
  while (state_->pending.size() > state_->options.max_pending_traces) {
    state_->print_trace(state_->arrival.front());
  }
  return ExportResult::kSuccess;
}

bool ConsoleExporter::force_flush(std::chrono::milliseconds) noexcept {
  std::lock_guard lock(state_->mutex);
  state_->print_all();
  return true;
}

void ConsoleExporter::shutdown(std::chrono::milliseconds) noexcept {
  std::lock_guard lock(state_->mutex);
  state_->print_all();
}

}  // namespace argus::trace
