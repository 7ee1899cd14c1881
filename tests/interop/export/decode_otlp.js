// Decodes an OTLP ExportTraceServiceRequest sent by argus with code we did not write: the
// protobufjs module generated from the opentelemetry-proto .proto files and shipped by
// @opentelemetry/otlp-transformer (0.57, build/src/generated/root.js).
//   node decode_otlp.js <file> proto|json
// Prints a normalised JSON view on stdout, or an error on stderr with exit code 1.
'use strict';
const fs = require('fs');
const root = require('otlp-transformer-0.57/build/src/generated/root.js');
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const protobuf = require('protobufjs/minimal');

const toHex = (b) => Buffer.from(b || []).toString('hex');
const fail = (msg) => { process.stderr.write('decode_otlp: ' + msg + '\n'); process.exit(1); };

function anyValue(v) {
  if (v.stringValue != null) return { type: 'string', value: v.stringValue };
  if (v.boolValue != null) return { type: 'bool', value: v.boolValue };
  if (v.intValue != null) return { type: 'int', value: v.intValue.toString() };
  if (v.doubleValue != null) return { type: 'double', value: v.doubleValue };
  if (v.arrayValue != null) return { type: 'array', value: (v.arrayValue.values || []).map(anyValue) };
  if (v.kvlistValue != null) return { type: 'kvlist', value: attrs(v.kvlistValue.values) };
  if (v.bytesValue != null) return { type: 'bytes', value: toHex(v.bytesValue) };
  return { type: 'empty' };
}

function attrs(list) {
  const out = {};
  for (const kv of list || []) {
    if (kv.key in out) fail('duplicate attribute ' + kv.key);
    out[kv.key] = anyValue(kv.value || {});
  }
  return out;
}

const str = (x) => (x == null ? '0' : x.toString());

function normalise(req) {
  return (req.resourceSpans || []).map((rs) => ({
    resource: attrs(rs.resource && rs.resource.attributes),
    scopeSpans: (rs.scopeSpans || []).map((ss) => ({
      scope: { name: (ss.scope && ss.scope.name) || '', version: (ss.scope && ss.scope.version) || '' },
      spans: (ss.spans || []).map((s) => ({
        traceId: toHex(s.traceId), spanId: toHex(s.spanId), parentSpanId: toHex(s.parentSpanId),
        traceState: s.traceState || '', flags: nextFlag(), name: s.name, kind: s.kind || 0,
        start: str(s.startTimeUnixNano), end: str(s.endTimeUnixNano),
        attributes: attrs(s.attributes), droppedAttributes: s.droppedAttributesCount || 0,
        events: (s.events || []).map((e) => ({
          time: str(e.timeUnixNano), name: e.name, attributes: attrs(e.attributes),
          droppedAttributes: e.droppedAttributesCount || 0,
        })),
        droppedEvents: s.droppedEventsCount || 0,
        links: (s.links || []).map((l) => ({
          traceId: toHex(l.traceId), spanId: toHex(l.spanId), traceState: l.traceState || '',
          attributes: attrs(l.attributes), flags: nextFlag(),
        })),
        droppedLinks: s.droppedLinksCount || 0,
        status: { code: (s.status && s.status.code) || 0, message: (s.status && s.status.message) || '' },
      })),
    })),
  }));
}

// OTLP/JSON: ids must be lowercase hex; then the generated fromObject() (which expects base64
// bytes) must accept the document, and converting back must give the same document: a field
// name it does not know would be lost on the way and fail the comparison.
function hexToBase64(obj, path) {
  if (Array.isArray(obj)) return obj.map((x, i) => hexToBase64(x, path + '[' + i + ']'));
  if (obj === null || typeof obj !== 'object') return obj;
  const out = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') {
      const len = k === 'traceId' ? 32 : 16;
      if (typeof v !== 'string' || !new RegExp('^[0-9a-f]{' + len + '}$').test(v)) {
        fail(path + '.' + k + ' is not ' + len + ' lowercase hex characters: ' + v);
      }
      out[k] = Buffer.from(v, 'hex').toString('base64');
    } else {
      out[k] = hexToBase64(v, path + '.' + k);
    }
  }
  return out;
}

function dropEmpty(x) {
  if (Array.isArray(x)) return x.map(dropEmpty);
  if (x === null || typeof x !== 'object') return x;
  const out = {};
  for (const [k, v] of Object.entries(x)) {
    if (Array.isArray(v) && v.length === 0) continue;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = dropEmpty(v);
  }
  return out;
}

function sameJson(a, b, path) {
  if (typeof a !== typeof b) fail(path + ': ' + JSON.stringify(a) + ' vs ' + JSON.stringify(b));
  if (a === null || typeof a !== 'object') {
    if (a !== b) fail(path + ': ' + JSON.stringify(a) + ' vs ' + JSON.stringify(b));
    return;
  }
  const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
  if (JSON.stringify(ka) !== JSON.stringify(kb)) {
    fail(path + ': keys ' + JSON.stringify(ka) + ' vs ' + JSON.stringify(kb));
  }
  for (const k of ka) sameJson(a[k], b[k], path + '.' + k);
}

// Span.flags (16) and Link.flags (6) are newer than the generated code above, which skips
// them as unknown fields; they are read with protobufjs's wire Reader instead, in document
// order (span flags, then that span's link flags), which is also the order normalise() uses.
const flags = [];
let flagIndex = 0;
const nextFlag = () => (flagIndex < flags.length ? flags[flagIndex++] : 0);

function eachField(buf, fn) {
  const r = protobuf.Reader.create(buf);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (!fn(tag >>> 3, tag & 7, r)) r.skipType(tag & 7);
  }
}

function collectFlags(buf) {
  eachField(buf, (f, wt, r) => f === 1 && wt === 2 && (eachField(r.bytes(), (f2, wt2, r2) => f2 === 2 && wt2 === 2 &&
    (eachField(r2.bytes(), (f3, wt3, r3) => f3 === 2 && wt3 === 2 && (collectSpan(r3.bytes()), true)), true)), true));
}

function collectSpan(buf) {
  let spanFlags = 0;
  const links = [];
  eachField(buf, (f, wt, r) => {
    if (f === 16 && wt === 5) { spanFlags = r.fixed32(); return true; }
    if (f === 13 && wt === 2) {
      let lf = 0;
      eachField(r.bytes(), (g, wt2, r2) => (g === 6 && wt2 === 5 ? ((lf = r2.fixed32()), true) : false));
      links.push(lf);
      return true;
    }
    return false;
  });
  flags.push(spanFlags, ...links);
}

// OTLP/JSON: takes the flags out (see above) after checking they are uint32 numbers.
function takeJsonFlags(doc) {
  const take = (o, where) => {
    if (!('flags' in o)) return 0;
    if (!Number.isInteger(o.flags) || o.flags < 0 || o.flags > 0xffffffff) fail(where + '.flags: ' + o.flags);
    const v = o.flags;
    delete o.flags;
    return v;
  };
  for (const rs of doc.resourceSpans || []) for (const ss of rs.scopeSpans || []) for (const sp of ss.spans || []) {
    flags.push(take(sp, 'span'));
    for (const l of sp.links || []) flags.push(take(l, 'link'));
  }
}

const [file, mode] = process.argv.slice(2);
const data = fs.readFileSync(file);
let req;
if (mode === 'proto') {
  try { req = Request.decode(data); collectFlags(data); } catch (e) { fail('protobuf decode failed: ' + e.message); }
  const err = Request.verify(req);
  if (err) fail('verify: ' + err);
} else if (mode === 'json') {
  let doc;
  try { doc = JSON.parse(data.toString('utf8')); } catch (e) { fail('invalid JSON: ' + e.message); }
  takeJsonFlags(doc);
  const b64 = hexToBase64(doc, '$');
  req = Request.fromObject(b64);
  const err = Request.verify(req);
  if (err) fail('verify: ' + err);
  const back = Request.toObject(req, { longs: String, enums: Number, bytes: String, arrays: true });
  sameJson(dropEmpty(b64), dropEmpty(back), '$');
  // Also a true binary round trip through the generated encoder/decoder.
  req = Request.decode(Request.encode(req).finish());
} else {
  fail('usage: decode_otlp.js <file> proto|json');
}
process.stdout.write(JSON.stringify(normalise(req)));
