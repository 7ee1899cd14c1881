// A tiny stand-in service: it handles a few simulated requests, each with nested work, and
// prints every finished trace as a tree. Shows the library's API end to end.
#include <argus/trace/trace.h>

#include <cstdio>
#include <thread>

using namespace argus::trace;

namespace {

void handle_request(Tracer& tracer, std::string_view path, int status) {
  Span request = tracer.start_span(path, {.kind = SpanKind::kServer});
  Scope scope(request);
  request.set_attribute("http.method", "POST");
  {
    Span hash = tracer.start_span("bcrypt.hash");
    hash.set_attribute("bcrypt.workfactor", 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));  // simulated CPU work
  }
  {
    Span sql = tracer.start_span("INSERT INTO hydra_client", {.kind = SpanKind::kClient});
    sql.set_attribute("db.system", "sqlite");
    sql.set_attribute("db.statement", "INSERT INTO hydra_client (id, secret) VALUES (?, ?)");
    if (status >= 400) sql.set_status(StatusCode::kError, "UNIQUE constraint failed");
  }
  request.set_attribute("http.status_code", status);
  if (status >= 400) {
    request.set_attribute("error", true);
    request.set_status(StatusCode::kError);
  }
}

}  // namespace

int main() {
  auto processor = BatchSpanProcessor::create(std::make_unique<ConsoleExporter>(),
                                              {.schedule_delay = std::chrono::milliseconds(200)});
  if (!processor) {
    std::fprintf(stderr, "argus-example: %s\n", processor.error().message.c_str());
    return 1;
  }
  TracerProviderOptions options;
  options.resource.service_name = "argus-example";
  options.processor = std::move(*processor);
  auto provider = TracerProvider::create(std::move(options));
  if (!provider) return 1;
  Tracer& tracer = (*provider)->tracer("argus-example");
  handle_request(tracer, "/clients", 201);
  handle_request(tracer, "/clients", 409);
  (*provider)->shutdown();
  auto stats = (*provider)->stats();
  std::printf("spans: %llu started, %llu exported, %llu dropped\n",
              static_cast<unsigned long long>(stats.spans_started),
              static_cast<unsigned long long>(stats.processor.spans_exported),
              static_cast<unsigned long long>(stats.processor.spans_dropped));
  return 0;
}
