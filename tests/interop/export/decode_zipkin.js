// Validates a Zipkin v2 JSON body sent by argus against every field of the v2 API
// (zipkin-api.yaml: Span, Endpoint, Annotation), then rebuilds each span with zipkin-js's own
// model (zipkin.model.Span / Endpoint / TraceId) and re-encodes it with its JSON_V2 encoder: the
// result must equal what we sent.
//   node decode_zipkin.js <file>
// Prints the parsed array on stdout, or an error on stderr with exit code 1.
'use strict';
const fs = require('fs');
const zipkin = require('zipkin');

const fail = (msg) => { process.stderr.write('decode_zipkin: ' + msg + '\n'); process.exit(1); };
const isInt = (x) => typeof x === 'number' && Number.isSafeInteger(x);
const hex = (n) => new RegExp('^[0-9a-f]{' + n + '}$');

function checkKeys(obj, allowed, where) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(where + ' is not an object');
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) fail(where + ': unknown field ' + k);
}

function checkEndpoint(ep, where) {
  checkKeys(ep, ['serviceName', 'ipv4', 'ipv6', 'port'], where);
  if (Object.keys(ep).length === 0) fail(where + ' is empty (omit it instead)');
  if ('serviceName' in ep) {
    if (typeof ep.serviceName !== 'string' || ep.serviceName === '') fail(where + '.serviceName');
    if (ep.serviceName !== ep.serviceName.toLowerCase()) fail(where + '.serviceName is not lowercase');
  }
  if ('ipv4' in ep) {
    const parts = String(ep.ipv4).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && +p <= 255)) fail(where + '.ipv4');
  }
  if ('ipv6' in ep && !(typeof ep.ipv6 === 'string' && ep.ipv6.includes(':') && /^[0-9a-fA-F:.]+$/.test(ep.ipv6))) {
    fail(where + '.ipv6');
  }
  if ('port' in ep && !(isInt(ep.port) && ep.port >= 1 && ep.port <= 65535)) fail(where + '.port');
}

function checkSpan(s, i) {
  const w = 'span[' + i + ']';
  checkKeys(s, ['traceId', 'id', 'parentId', 'name', 'kind', 'timestamp', 'duration',
    'localEndpoint', 'remoteEndpoint', 'annotations', 'tags', 'debug', 'shared'], w);
  if (!hex(32).test(s.traceId) && !hex(16).test(s.traceId)) fail(w + '.traceId: ' + s.traceId);
  if (/^0+$/.test(s.traceId)) fail(w + '.traceId is zero');
  if (!hex(16).test(s.id) || /^0+$/.test(s.id)) fail(w + '.id: ' + s.id);
  if ('parentId' in s && (!hex(16).test(s.parentId) || /^0+$/.test(s.parentId))) fail(w + '.parentId');
  if ('parentId' in s && s.parentId === s.id) fail(w + ': parentId equals id');
  if ('name' in s && (typeof s.name !== 'string' || s.name !== s.name.toLowerCase())) fail(w + '.name');
  if ('kind' in s && !['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'].includes(s.kind)) fail(w + '.kind');
  if (!isInt(s.timestamp) || s.timestamp <= 0) fail(w + '.timestamp must be epoch microseconds');
  if (s.timestamp < 1e15 || s.timestamp > 1e17) fail(w + '.timestamp is not in microseconds');
  if (!isInt(s.duration) || s.duration < 1) fail(w + '.duration must be >= 1');
  checkEndpoint(s.localEndpoint, w + '.localEndpoint');
  if ('remoteEndpoint' in s) checkEndpoint(s.remoteEndpoint, w + '.remoteEndpoint');
  if ('annotations' in s) {
    if (!Array.isArray(s.annotations) || s.annotations.length === 0) fail(w + '.annotations');
    s.annotations.forEach((a, j) => {
      checkKeys(a, ['timestamp', 'value'], w + '.annotations[' + j + ']');
      if (!isInt(a.timestamp) || a.timestamp <= 0 || typeof a.value !== 'string') fail(w + '.annotations[' + j + ']');
    });
  }
  if ('tags' in s) {
    checkKeys(s.tags, Object.keys(s.tags), w + '.tags');
    for (const [k, v] of Object.entries(s.tags)) if (typeof v !== 'string') fail(w + '.tags.' + k + ' is not a string');
  }
  if ('debug' in s && s.debug !== true) fail(w + '.debug must be true or absent');
  if ('shared' in s && s.shared !== true) fail(w + '.shared must be true or absent');
  if (s.shared && s.kind !== 'SERVER') fail(w + ': shared on a non-server span');
}

// Rebuilds `s` with zipkin-js's model and returns its JSON_V2 encoding, parsed.
function viaModel(s) {
  const { Some, None } = zipkin.option;
  const traceId = new zipkin.TraceId({
    traceId: s.traceId, parentId: s.parentId ? new Some(s.parentId) : None, spanId: s.id,
    sampled: new Some(true), debug: !!s.debug, shared: !!s.shared,
  });
  const span = new zipkin.model.Span(traceId);
  if ('name' in s) span.setName(s.name);
  if ('kind' in s) span.setKind(s.kind);
  span.setTimestamp(s.timestamp);
  span.setDuration(s.duration);
  const ep = (e) => (e ? new zipkin.model.Endpoint({ serviceName: e.serviceName, ipv4: e.ipv4, port: e.port }) : undefined);
  span.setLocalEndpoint(ep(s.localEndpoint));
  span.setRemoteEndpoint(ep(s.remoteEndpoint));
  for (const a of s.annotations || []) span.addAnnotation(a.timestamp, a.value);
  for (const [k, v] of Object.entries(s.tags || {})) span.putTag(k, v);
  return JSON.parse(zipkin.jsonEncoder.JSON_V2.encode(span));
}

function withoutIpv6(s) {
  const c = JSON.parse(JSON.stringify(s));
  for (const k of ['localEndpoint', 'remoteEndpoint']) {
    if (c[k]) {
      delete c[k].ipv6;  // zipkin-js's Endpoint model has no ipv6
      if (Object.keys(c[k]).length === 0) delete c[k];
    }
  }
  return c;
}

function canonical(x) {
  if (Array.isArray(x)) return x.map(canonical);
  if (x === null || typeof x !== 'object') return x;
  return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical(x[k])]));
}

let spans;
try { spans = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')); } catch (e) { fail('invalid JSON: ' + e.message); }
if (!Array.isArray(spans)) fail('body is not a JSON array');
spans.forEach((s, i) => {
  checkSpan(s, i);
  const ours = JSON.stringify(canonical(withoutIpv6(s)));
  const model = JSON.stringify(canonical(viaModel(s)));
  if (ours !== model) fail('span[' + i + '] differs from zipkin-js model encoding:\n' + ours + '\n' + model);
});
process.stdout.write(JSON.stringify(spans));
