#include <argus/trace/trace.h>

#include <cstdio>

int main() {
  using namespace argus::trace;
  auto exporter = std::make_unique<InMemoryExporter>();
  auto spans = exporter->storage();
  TracerProviderOptions options;
  options.processor = std::make_unique<SimpleSpanProcessor>(std::move(exporter));
  auto provider = TracerProvider::create(std::move(options));
  if (!provider) return 1;
  { Span span = (*provider)->tracer("consumer").start_span("installed"); }
  std::printf("exported %zu span(s)\n", spans->size());
  return spans->size() == 1 ? 0 : 1;
}
