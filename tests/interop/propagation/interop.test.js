// Interop of our propagators with independent implementations from npm: the OpenTelemetry JS
// propagators (W3C trace context and baggage, B3 single and multi, Jaeger) and openzipkin's
// `zipkin` package. Both directions: headers we inject are extracted by them, and headers they
// inject are extracted by us, with the same trace id, parent span id and sampling decision.
//
// Usage: node interop.test.js PATH/TO/propagation-tool
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');
const api = require('@opentelemetry/api');
const { W3CTraceContextPropagator, W3CBaggagePropagator } = require('@opentelemetry/core');
const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');
const zipkin = require('zipkin');

const tool = process.argv[2];
if (!tool) {
  console.error('usage: node interop.test.js PATH/TO/propagation-tool');
  process.exit(2);
}

function run(mode, formats, input) {
  const r = spawnSync(tool, [mode, ...formats], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`propagation-tool ${mode} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const hex = (bytes) => crypto.randomBytes(bytes).toString('hex');
// Header carriers the way Node's http module hands them over: lowercase names.
const lower = (headers) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

function otelExtract(propagator, headers) {
  const ctx = propagator.extract(api.ROOT_CONTEXT, lower(headers), api.defaultTextMapGetter);
  return { ctx, span: api.trace.getSpanContext(ctx) };
}

function otelInject(propagator, ctx) {
  const carrier = {};
  propagator.inject(ctx, carrier, api.defaultTextMapSetter);
  return carrier;
}

function remoteContext(traceId, spanId, sampled) {
  return api.trace.setSpanContext(api.ROOT_CONTEXT, {
    traceId, spanId, traceFlags: sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE, isRemote: true,
  });
}

let passed = 0;
const failures = [];
function check(name, fn) {
  try {
    fn();
    passed++;
  } catch (e) {
    failures.push(`${name}: ${e.stack || e}`);
  }
}

const otel = {
  tracecontext: new W3CTraceContextPropagator(),
  b3: new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
  b3multi: new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  jaeger: new JaegerPropagator(),
};

for (const format of Object.keys(otel)) {
  for (const sampled of [true, false]) {
    check(`${format} argus->otel sampled=${sampled}`, () => {
      const traceId = hex(16);
      const spanId = hex(8);
      const headers = run('inject', [format], { trace_id: traceId, span_id: spanId, sampled });
      const { span } = otelExtract(otel[format], headers);
      assert.ok(span, `otel extracted nothing from ${JSON.stringify(headers)}`);
      assert.equal(span.traceId, traceId);
      assert.equal(span.spanId, spanId);
      assert.equal((span.traceFlags & api.TraceFlags.SAMPLED) !== 0, sampled);
      assert.equal(span.isRemote, true);
    });
    check(`${format} otel->argus sampled=${sampled}`, () => {
      const traceId = hex(16);
      const spanId = hex(8);
      const headers = otelInject(otel[format], remoteContext(traceId, spanId, sampled));
      const got = run('extract', [format], headers);
      assert.equal(got.found, true, JSON.stringify(headers));
      assert.equal(got.trace_id, traceId);
      assert.equal(got.span_id, spanId);
      assert.equal(got.sampled, sampled);
      assert.equal(got.remote, true);
    });
  }
}

// tracestate both ways.
check('tracecontext tracestate both ways', () => {
  const headers = run('inject', ['tracecontext'],
    { trace_id: hex(16), span_id: hex(8), sampled: true, trace_state: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE' });
  const { span } = otelExtract(otel.tracecontext, headers);
  assert.equal(span.traceState.serialize(), 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
  const back = run('extract', ['tracecontext'], otelInject(otel.tracecontext,
    api.trace.setSpanContext(api.ROOT_CONTEXT, { ...span, traceState: span.traceState.set('otel', 'x') })));
  assert.equal(back.trace_state, 'otel=x,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
});

// B3 debug ("d" / X-B3-Flags: 1) both ways: OpenTelemetry keeps it in its context and re-injects it.
for (const format of ['b3', 'b3multi']) {
  check(`${format} debug argus->otel->argus`, () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const headers = run('inject', [format], { trace_id: traceId, span_id: spanId, sampled: false, debug: true });
    const { ctx, span } = otelExtract(otel[format], headers);
    assert.equal(span.traceFlags & api.TraceFlags.SAMPLED, api.TraceFlags.SAMPLED);
    const reinjected = otelInject(otel[format], ctx);
    if (format === 'b3') assert.match(reinjected.b3, /-d$/);
    else assert.equal(reinjected['X-B3-Flags'] ?? reinjected['x-b3-flags'], '1');
    const got = run('extract', [format], reinjected);
    assert.equal(got.debug, true);
    assert.equal(got.sampled, true);
    assert.equal(got.trace_id, traceId);
  });
}

// 64-bit trace ids (Zipkin, Jaeger): padded to 128 bits on extract, 16 characters on inject.
check('b3 64-bit otel->argus->otel', () => {
  const traceId = '0000000000000000' + hex(8);
  const spanId = hex(8);
  const got = run('extract', ['b3multi'], { 'X-B3-TraceId': traceId.slice(16), 'X-B3-SpanId': spanId, 'X-B3-Sampled': '1' });
  assert.equal(got.trace_id, traceId);
  const headers = run('inject', ['b3multi'], { trace_id: got.trace_id, span_id: spanId, sampled: true });
  assert.equal(headers['x-b3-traceid'], traceId.slice(16));
  assert.equal(otelExtract(otel.b3multi, headers).span.traceId, traceId);
});

// W3C baggage and Jaeger uberctx- baggage.
check('baggage both ways', () => {
  const value = 'alice smith, ünïcode; 100%';
  const headers = run('inject', ['baggage'], { trace_id: hex(16), span_id: hex(8), baggage: { user: value, n: '1' } });
  const { ctx } = otelExtract(new W3CBaggagePropagator(), headers);
  const bag = api.propagation.getBaggage(ctx);
  assert.equal(bag.getEntry('user').value, value);
  assert.equal(bag.getEntry('n').value, '1');
  const their = otelInject(new W3CBaggagePropagator(), api.propagation.setBaggage(api.ROOT_CONTEXT,
    api.propagation.createBaggage({ user: { value }, k2: { value: 'v2', metadata: api.baggageEntryMetadataFromString('p=1') } })));
  const got = run('extract', ['baggage'], their);
  assert.equal(got.baggage.user, value);
  assert.equal(got.baggage.k2, 'v2');
});

check('jaeger baggage both ways', () => {
  const value = 'alice smith/ü';
  const traceId = hex(16);
  const headers = run('inject', ['jaeger'], { trace_id: traceId, span_id: hex(8), sampled: true, baggage: { user: value } });
  const { ctx } = otelExtract(otel.jaeger, headers);
  assert.equal(api.propagation.getBaggage(ctx).getEntry('user').value, value);
  const their = otelInject(otel.jaeger, api.propagation.setBaggage(remoteContext(traceId, hex(8), true),
    api.propagation.createBaggage({ user: { value } })));
  const got = run('extract', ['jaeger'], their);
  assert.equal(got.baggage.user, value);
  assert.equal(got.trace_id, traceId);
});

// openzipkin's zipkin package: its client headers (X-B3-*) and its server-side extraction.
function zipkinServer() {
  const tracer = new zipkin.Tracer({
    ctxImpl: new zipkin.ExplicitContext(),
    recorder: { record() {} },
    localServiceName: 'interop',
  });
  return new zipkin.Instrumentation.HttpServer({ tracer, port: 0 });
}

for (const bits of [64, 128]) {
  for (const [sampled, debug] of [[true, false], [false, false], [false, true]]) {
    check(`zipkin ${bits}-bit sampled=${sampled} debug=${debug} zipkin->argus`, () => {
      const traceId = hex(bits / 8);
      const spanId = hex(8);
      const id = new zipkin.TraceId({ traceId, spanId, parentId: new zipkin.option.Some(hex(8)),
        sampled: new zipkin.option.Some(sampled), debug });
      const headers = zipkin.Request.addZipkinHeaders({}, id).headers;
      const got = run('extract', ['b3multi'], headers);
      assert.equal(got.found, true, JSON.stringify(headers));
      assert.equal(got.trace_id, traceId.padStart(32, '0'));
      assert.equal(got.span_id, spanId);
      assert.equal(got.sampled, sampled || debug);
      assert.equal(got.debug, debug);
    });
    check(`zipkin ${bits}-bit sampled=${sampled} debug=${debug} argus->zipkin`, () => {
      const traceId = hex(bits / 8).padStart(32, '0');
      const spanId = hex(8);
      const headers = lower(run('inject', ['b3multi'], { trace_id: traceId, span_id: spanId, sampled, debug }));
      const id = zipkinServer().recordRequest('POST', '/x', (name) => {
        const v = headers[name.toLowerCase()];
        return v === undefined ? zipkin.option.None : new zipkin.option.Some(v);
      });
      assert.equal(id.traceId.padStart(32, '0'), traceId);
      assert.equal(id.traceId.length, bits / 4);
      assert.equal(id.spanId, spanId);
      assert.equal(id.sampled.getOrElse(false), sampled || debug);
      assert.equal(id.isDebug(), debug);
    });
  }
}

// Bad input from a peer never yields a joined context.
check('garbage is not joined', () => {
  for (const headers of [{ traceparent: '00-' + 'A'.repeat(32) + '-' + hex(8) + '-01' },
    { b3: 'zzz-1' }, { 'uber-trace-id': '0:0:0:1' }, { 'X-B3-TraceId': hex(16) }]) {
    const got = run('extract', ['tracecontext', 'baggage', 'b3', 'jaeger'], headers);
    assert.equal(got.found, false, JSON.stringify(headers));
  }
});

if (failures.length) {
  console.error(failures.join('\n\n'));
  console.error(`\n${failures.length} failed, ${passed} passed`);
  process.exit(1);
}
console.log(`all ${passed} interop checks passed`);
