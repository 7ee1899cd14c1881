// Interop peer for the service tests: an independent implementation (OpenTelemetry JS) starts a
// trace, injects it in the requested wire format, calls the argus service, and prints the ids it
// sent so the C++ test can check that argus joined that trace.
// Usage: node inject.js PORT tracecontext|b3|b3multi|jaeger
'use strict';
const api = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');
const crypto = require('crypto');
const http = require('http');

const [port, format] = process.argv.slice(2);
const propagators = {
  tracecontext: () => new W3CTraceContextPropagator(),
  b3: () => new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: () => new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: () => new JaegerPropagator(),
};
if (!propagators[format]) {
  console.error(`unknown format ${format}`);
  process.exit(2);
}
const spanContext = {
  traceId: crypto.randomBytes(16).toString('hex'),
  spanId: crypto.randomBytes(8).toString('hex'),
  traceFlags: api.TraceFlags.SAMPLED,
};
const headers = {};
propagators[format]().inject(api.trace.setSpanContext(api.ROOT_CONTEXT, spanContext), headers,
  api.defaultTextMapSetter);
const req = http.get({ host: '127.0.0.1', port: Number(port), path: '/admin/clients/interop-absent', headers },
  (res) => {
    res.resume();
    res.on('end', () => console.log(JSON.stringify({
      traceId: spanContext.traceId, spanId: spanContext.spanId, status: res.statusCode, headers,
    })));
  });
req.setTimeout(10000, () => req.destroy(new Error('timeout')));
req.on('error', (e) => { console.error(e.message); process.exit(1); });
