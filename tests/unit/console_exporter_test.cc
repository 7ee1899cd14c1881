#include <argus/trace/trace.h>
#include <gtest/gtest.h>

#include <sstream>

namespace argus::trace {
namespace {

struct ConsolePipeline {
  std::ostringstream out;
  ManualClock clock{1'700'000'000'000'000'000};
  std::unique_ptr<TracerProvider> provider;

  explicit ConsolePipeline(ConsoleExporterOptions options = {}) {
    TracerProviderOptions o;
    o.clock = &clock;
    o.processor =
        std::make_unique<SimpleSpanProcessor>(std::make_unique<ConsoleExporter>(&out, options));
    provider = std::move(*TracerProvider::create(std::move(o)));
  }
};

TEST(ConsoleExporter, PrintsEachTraceAsAnIndentedTreeWhenItsRootEnds) {
  ConsolePipeline p;
  Tracer& tracer = p.provider->tracer();
  {
    Span request = tracer.start_span("/clients", {.kind = SpanKind::kServer});
    Scope scope(request);
    request.set_attribute("http.method", "POST");
    {
      Span hash = tracer.start_span("bcrypt.hash");
      hash.set_attribute("bcrypt.workfactor", 10);
      p.clock.advance_ns(70'000'000);
    }
    {
      Span sql = tracer.start_span("INSERT", {.kind = SpanKind::kClient});
      Scope sql_scope(sql);
      p.clock.advance_ns(1'500'000);
      Span conn = tracer.start_span("db.connection");
      p.clock.advance_ns(500);
    }
    EXPECT_EQ(p.out.str(), "");  // nothing printed before the root ends
    request.set_attribute("http.status_code", 409);
    request.set_attribute("error", true);
    request.set_status(StatusCode::kError, "conflict");
  }
  const std::string trace_id = p.out.str().substr(6, 32);
  EXPECT_EQ(p.out.str(),
            "trace " + trace_id +
                " (4 spans)\n"
                "└─ /clients  71.50ms  [server]  ERROR \"conflict\"  http.method=POST  "
                "http.status_code=409  error=true\n"
                "   ├─ bcrypt.hash  70.00ms  bcrypt.workfactor=10\n"
                "   └─ INSERT  1.50ms  [client]\n"
                "      └─ db.connection  0us\n");
}

TEST(ConsoleExporter, OrphansArePrintedAtFlushAndValuesAreShortened) {
  ConsolePipeline p({.max_value_chars = 5});
  Tracer& tracer = p.provider->tracer();
  Span root = tracer.start_span("root-never-ends-in-time");
  const SpanContext ctx = root.context();
  {
    Span child = tracer.start_span("child", {.parent = &ctx});
    child.set_attribute("long", "abcdefghij");
  }
  EXPECT_EQ(p.out.str(), "");
  p.provider->force_flush();
  EXPECT_NE(p.out.str().find("└─ child  0us  long=abcde…\n"), std::string::npos) << p.out.str();
}

TEST(ConsoleExporter, BoundsHowManyIncompleteTracesItHolds) {
  ConsolePipeline p({.max_pending_traces = 2});
  Tracer& tracer = p.provider->tracer();
  std::vector<Span> roots;
  for (int i = 0; i < 3; ++i) {
    roots.push_back(tracer.start_span("root"));
    const SpanContext ctx = roots.back().context();
    tracer.start_span("child", {.parent = &ctx});
  }
  // Three incomplete traces, room for two: the oldest was printed as it stands.
  EXPECT_EQ(p.out.str().substr(0, 6), "trace ");
  EXPECT_EQ(p.out.str().find("trace ", 1), std::string::npos);
  roots.clear();
}

}  // namespace
}  // namespace argus::trace
