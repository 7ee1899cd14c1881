// A harness for w3c-test-server speaking the protocol of the W3C Trace Context test suite
// (github.com/w3c/trace-context, test/): it POSTs /test with the case's headers and a list of
// callbacks to itself, receives the callbacks over real HTTP on loopback and checks the
// traceparent/tracestate they carry, case by case as the suite's test.py does. Then it checks
// 404 for unknown paths and a clean exit on SIGTERM.
//
// Usage: node w3c_harness.test.js PATH/TO/w3c-test-server
'use strict';

const assert = require('node:assert/strict');
const http = require('node:http');
const { spawn } = require('node:child_process');

const binary = process.argv[2];
const TIMEOUT_MS = 10000;
const TP = '00-12345678901234567890123456789012-1234567890123456-00';
const TRACE = '12345678901234567890123456789012';
const tpRe = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function withTimeout(promise, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS);
  })]).finally(() => clearTimeout(timer));
}

// Callbacks arrive at /callback/<scope>.<index>; the harness records their headers and body.
const scopes = new Map();
const harness = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const m = /^\/callback\/(\d+)\.(\d+)$/.exec(req.url);
    if (m && scopes.has(m[1])) {
      scopes.get(m[1]).push({ index: Number(m[2]), headers: req.rawHeaders, body });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('null');
  });
});

function request(port, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// rawHeaders keeps duplicates and order: [name, value, name, value, ...]
function pairs(raw) {
  const out = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

function traceparentOf(cb) {
  const tps = pairs(cb.headers).filter(([k]) => k.toLowerCase() === 'traceparent');
  assert.equal(tps.length, 1, `expected one traceparent, got ${JSON.stringify(tps)}`);
  const m = tpRe.exec(tps[0][1]);
  assert.ok(m, `malformed traceparent ${tps[0][1]}`);
  return { version: m[1], traceId: m[2], parentId: m[3], flags: m[4] };
}

// Parsed as the suite's Tracestate class does; duplicated keys keep the first.
function tracestateOf(cb) {
  const map = new Map();
  for (const [k, v] of pairs(cb.headers)) {
    if (k.toLowerCase() !== 'tracestate') continue;
    for (const member of v.split(/[ \t]*,[ \t]*/)) {
      if (!member) continue;
      const eq = member.indexOf('=');
      assert.ok(eq > 0, `illegal member ${member}`);
      const key = member.slice(0, eq);
      if (!map.has(key)) map.set(key, member.slice(eq + 1));
    }
  }
  return map;
}

let serverPort;
let scopeCounter = 0;
async function send(headers, count = 1, args = () => []) {
  const scope = String(++scopeCounter);
  scopes.set(scope, []);
  const actions = [];
  for (let i = 0; i < count; i++) {
    actions.push({ url: `http://127.0.0.1:${harness.address().port}/callback/${scope}.${i}`, arguments: args(i) });
  }
  const flat = {};
  const rawHeaders = [];
  for (const [k, v] of headers) rawHeaders.push(k, v);
  rawHeaders.push('Content-Type', 'application/json');
  void flat;
  const res = await withTimeout(request(serverPort, 'POST', '/test', rawHeaders, JSON.stringify(actions)), 'POST /test');
  assert.equal(res.status, 200, res.body);
  const cbs = scopes.get(scope);
  scopes.delete(scope);
  // The reply comes only after every callback, in order.
  assert.deepEqual(cbs.map((c) => c.index), [...Array(count).keys()]);
  return cbs;
}

async function one(headers) {
  const [cb] = await send(headers);
  return { tp: traceparentOf(cb), ts: tracestateOf(cb) };
}

const cases = [];
const test = (name, fn) => cases.push([name, fn]);
const keeps = (value) => async () => assert.equal((await one([['traceparent', value]])).tp.traceId, TRACE);
const restarts = (value) => async () => {
  const { tp } = await one([['traceparent', value]]);
  assert.notEqual(tp.traceId, TRACE);
  assert.notEqual(tp.traceId, '0'.repeat(32));
};

test('both missing', async () => { await one([]); });
test('traceparent included, tracestate missing', async () => {
  const { tp } = await one([['traceparent', '00-12345678901234567890123456789012-1234567890123456-01']]);
  assert.equal(tp.traceId, TRACE);
  assert.notEqual(tp.parentId, '1234567890123456');
  assert.equal(tp.version, '00');
  assert.equal(parseInt(tp.flags, 16) & 1, 1);
});
test('traceparent duplicated', async () => {
  const { tp } = await one([['traceparent', '00-12345678901234567890123456789011-1234567890123456-01'],
    ['traceparent', '00-12345678901234567890123456789012-1234567890123456-01']]);
  assert.notEqual(tp.traceId, '12345678901234567890123456789011');
  assert.notEqual(tp.traceId, TRACE);
});
for (const name of ['trace-parent', 'trace.parent']) {
  test(`header name ${name}`, async () => assert.notEqual((await one([[name, TP]])).tp.traceId, TRACE));
}
for (const name of ['TraceParent', 'TrAcEpArEnT', 'TRACEPARENT']) {
  test(`header casing ${name}`, async () => assert.equal((await one([[name, TP]])).tp.traceId, TRACE));
}
for (const [name, value] of [
  ['version 00 trailing', `${TP}.`], ['version 00 future fields', `${TP}-what-the-future-will-be-like`],
  ['version ff', 'ff' + TP.slice(2)], ['version .0', '.0' + TP.slice(2)], ['version 0.', '0.' + TP.slice(2)],
  ['version 000', '0' + TP], ['version 0', TP.slice(1)],
  ['trace id zero', '00-00000000000000000000000000000000-1234567890123456-01'],
  ['trace id illegal', '00-.2345678901234567890123456789012-1234567890123456-01'],
  ['trace id illegal end', '00-1234567890123456789012345678901.-1234567890123456-01'],
  ['trace id long', '00-123456789012345678901234567890123-1234567890123456-01'],
  ['trace id short', '00-1234567890123456789012345678901-1234567890123456-01'],
  ['parent id zero', '00-12345678901234567890123456789012-0000000000000000-01'],
  ['parent id illegal', '00-12345678901234567890123456789012-.234567890123456-01'],
  ['parent id illegal end', '00-12345678901234567890123456789012-123456789012345.-01'],
  ['parent id long', '00-12345678901234567890123456789012-12345678901234567-01'],
  ['parent id short', '00-12345678901234567890123456789012-123456789012345-01'],
  ['flags illegal', '00-12345678901234567890123456789012-1234567890123456-.0'],
  ['flags illegal end', '00-12345678901234567890123456789012-1234567890123456-0.'],
  ['flags long', '00-12345678901234567890123456789012-1234567890123456-001'],
  ['flags short', '00-12345678901234567890123456789012-1234567890123456-1'],
  ['uppercase', '00-12345678901234567890123456789ABC-1234567890123456-01'],
  ['cc with dot', 'cc-12345678901234567890123456789012-1234567890123456-01.what-the-future-will-be-like'],
]) test(`restarts: ${name}`, restarts(value));
for (const [name, value] of [
  ['version cc', 'cc-12345678901234567890123456789012-1234567890123456-01'],
  ['version cc with future fields', 'cc-12345678901234567890123456789012-1234567890123456-01-what-the-future-will-be-like'],
  ['OWS space before', ` ${TP}`], ['OWS tab before', `\t${TP}`], ['OWS space after', `${TP} `],
  ['OWS tab after', `${TP}\t`], ['OWS both', `\t ${TP} \t`],
]) test(`keeps: ${name}`, keeps(value));

test('tracestate without traceparent is discarded', async () => {
  const a = await one([['tracestate', 'foo=1']]);
  const b = await one([['tracestate', 'foo=1,bar=2']]);
  assert.equal(a.ts.size, b.ts.size);
  assert.ok(!a.ts.has('foo') && !b.ts.has('bar'));
});
test('tracestate inherited, our entry first', async () => {
  const { tp, ts } = await one([['traceparent', TP], ['tracestate', 'foo=1,bar=2']]);
  assert.equal(tp.traceId, TRACE);
  assert.deepEqual([...ts.entries()], [['argus', tp.parentId], ['foo', '1'], ['bar', '2']]);
});
for (const name of ['trace-state', 'trace.state']) {
  test(`tracestate wrong name ${name}`, async () => assert.ok(!(await one([['traceparent', TP], [name, 'foo=1']])).ts.has('foo')));
}
for (const name of ['TraceState', 'TrAcEsTaTe', 'TRACESTATE']) {
  test(`tracestate casing ${name}`, async () => assert.equal((await one([['traceparent', TP], [name, 'foo=1']])).ts.get('foo'), '1'));
}
test('tracestate empty headers', async () => {
  assert.equal((await one([['traceparent', TP], ['tracestate', 'foo=1'], ['tracestate', '']])).ts.get('foo'), '1');
  assert.equal((await one([['traceparent', TP], ['tracestate', ''], ['tracestate', 'foo=1']])).ts.get('foo'), '1');
});
test('tracestate multiple headers joined in order', async () => {
  const { ts } = await one([['traceparent', TP], ['tracestate', 'foo=1,bar=2'], ['tracestate', 'rojo=1,congo=2'], ['tracestate', 'baz=3']]);
  assert.deepEqual([...ts.keys()], ['argus', 'foo', 'bar', 'rojo', 'congo', 'baz']);
});
for (const headers of [['foo=1,foo=1'], ['foo=1,foo=2'], ['foo=1', 'foo=1'], ['foo=1', 'foo=2']]) {
  test(`tracestate duplicated keys ${headers}`, async () => {
    const { tp, ts } = await one([['traceparent', TP], ...headers.map((h) => ['tracestate', h])]);
    assert.equal(tp.traceId, TRACE);
    assert.ok(!ts.has('foo'));
  });
}
test('tracestate all allowed characters', async () => {
  const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
  let value = '';
  for (let c = 0x20; c <= 0x7e; c++) if (c !== 0x2c && c !== 0x3d) value += String.fromCharCode(c);
  for (const k of [key, key + '@a-z0-9_-*/']) {
    assert.equal((await one([['traceparent', TP], ['tracestate', `${k}=${value}`]])).ts.get(k), value);
  }
});
for (const value of ['foo=1 \t , \t bar=2, \t baz=3', 'foo=1\t \t,\t \tbar=2,\t \tbaz=3']) {
  test(`tracestate OWS ${JSON.stringify(value)}`, async () => {
    const { ts } = await one([['traceparent', TP], ['tracestate', value]]);
    assert.deepEqual([ts.get('foo'), ts.get('bar'), ts.get('baz')], ['1', '2', '3']);
  });
}
for (const value of [' foo=1', '\tfoo=1', 'foo=1 ', 'foo=1\t', '\t foo=1 \t']) {
  test(`tracestate OWS ${JSON.stringify(value)}`, async () => assert.equal((await one([['traceparent', TP], ['tracestate', value]])).ts.get('foo'), '1'));
}
for (const [value, absent] of [['foo =1', 'foo '], ['FOO=1', 'FOO'], ['foo.bar=1', 'foo.bar'],
  ['foo@=1,bar=2', 'bar'], ['@foo=1,bar=2', 'bar'], ['foo@@bar=1,bar=2', 'bar'], ['foo@bar@baz=1,bar=2', 'bar'],
  ['foo=bar=baz', 'foo'], ['foo=,bar=3', 'bar']]) {
  test(`tracestate rejected ${value}`, async () => assert.ok(!(await one([['traceparent', TP], ['tracestate', value]])).ts.has(absent)));
}
const members = (a, b) => Array.from({ length: b - a + 1 }, (_, i) => { const n = String(a + i).padStart(2, '0'); return `bar${n}=${n}`; }).join(',');
test('tracestate 32 members kept, ours replaces the oldest', async () => {
  const { ts } = await one([['traceparent', TP], ['tracestate', members(1, 10)], ['tracestate', members(11, 20)],
    ['tracestate', members(21, 30)], ['tracestate', members(31, 32)]]);
  assert.equal(ts.get('bar01'), '01');
  assert.equal(ts.size, 32);
  assert.ok(ts.has('argus') && !ts.has('bar32'));
});
test('tracestate 33 members discarded', async () => {
  const { ts } = await one([['traceparent', TP], ['tracestate', members(1, 10)], ['tracestate', members(11, 20)],
    ['tracestate', members(21, 30)], ['tracestate', members(31, 33)]]);
  assert.ok(!ts.has('bar01'));
});
for (const [extra, kept] of [['z'.repeat(256) + '=1', true], ['z'.repeat(257) + '=1', false],
  ['t'.repeat(241) + '@' + 'v'.repeat(14) + '=1', true], ['t'.repeat(242) + '@v=1', false], ['t@' + 'v'.repeat(15) + '=1', false]]) {
  test(`tracestate key length ${extra.length}`, async () => {
    const { ts } = await one([['traceparent', TP], ['tracestate', 'foo=1'], ['tracestate', extra]]);
    assert.equal(ts.has('foo'), kept);
  });
}
test('multiple callbacks share the trace, not the parent', async () => {
  const cbs = await send([['traceparent', '00-12345678901234567890123456789012-1234567890123456-01']], 3,
    (i) => [{ url: 'http://127.0.0.1:1/never', arguments: [i] }]);
  const tps = cbs.map(traceparentOf);
  assert.deepEqual(new Set(tps.map((t) => t.traceId)), new Set([TRACE]));
  assert.equal(new Set(tps.map((t) => t.parentId)).size, 3);
  // The callback body is the JSON of that action's "arguments".
  cbs.forEach((cb, i) => assert.deepEqual(JSON.parse(cb.body), [{ url: 'http://127.0.0.1:1/never', arguments: [i] }]));
});
test('multiple callbacks without traceparent', async () => {
  const tps = (await send([], 3)).map(traceparentOf);
  assert.equal(new Set(tps.map((t) => t.parentId)).size, 3);
  assert.equal(new Set(tps.map((t) => t.traceId)).size, 1);
});
test('multiple callbacks with illegal traceparent', async () => {
  const tps = (await send([['traceparent', '00-00000000000000000000000000000000-1234567890123456-01']], 3)).map(traceparentOf);
  assert.ok(!tps.some((t) => t.traceId === '0'.repeat(32)));
  assert.equal(new Set(tps.map((t) => t.parentId)).size, 3);
});
test('unknown path is 404, bad body is 400', async () => {
  assert.equal((await withTimeout(request(serverPort, 'POST', '/nope', {}, '[]'), '404')).status, 404);
  assert.equal((await withTimeout(request(serverPort, 'GET', '/', {}, ''), '404')).status, 404);
  assert.equal((await withTimeout(request(serverPort, 'POST', '/test', {}, '{"not":"a list"}'), '400')).status, 400);
});

async function main() {
  await new Promise((resolve) => harness.listen(0, '127.0.0.1', resolve));
  const child = spawn(binary, ['0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  serverPort = await withTimeout(new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`w3c-test-server exited early (${code})`)));
  }), 'w3c-test-server start');

  const failures = [];
  for (const [name, fn] of cases) {
    try {
      await fn();
    } catch (e) {
      failures.push(`${name}: ${e.stack || e}`);
    }
  }
  child.kill('SIGTERM');
  const { code, signal } = await withTimeout(exited, 'exit after SIGTERM');
  if (code !== 0) failures.push(`exit after SIGTERM: code ${code} signal ${signal}`);
  harness.close();
  if (failures.length) {
    console.error(failures.join('\n\n'));
    console.error(`\n${failures.length} of ${cases.length + 1} failed`);
    process.exit(1);
  }
  console.log(`all ${cases.length + 1} W3C protocol checks passed`);
}

main().catch((e) => { console.error(e); process.exit(1); });
