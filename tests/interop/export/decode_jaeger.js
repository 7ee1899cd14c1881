// Decodes Jaeger agent datagrams (Agent.emitBatch, Thrift compact protocol) with code we did
// not write: Apache Thrift's TCompactProtocol (npm `thrift`) reads the wire format, driven by the
// jaeger-idl files shipped in jaeger-client (agent.thrift, jaeger.thrift) as parsed by thriftrw's
// IDL parser. thriftrw itself only implements the binary protocol, hence this combination.
//   node decode_jaeger.js <datagram file>...
// Every field id and wire type is checked against the IDL; unknown fields, type mismatches,
// missing required fields and trailing bytes are errors (exit code 1).
'use strict';
const fs = require('fs');
const path = require('path');
const thrift = require('thrift');
const idl = require('thriftrw/thrift-idl');

const T = thrift.Thrift.Type;
const MT = thrift.Thrift.MessageType;
const fail = (msg) => { process.stderr.write('decode_jaeger: ' + msg + '\n'); process.exit(1); };

const idlDir = path.join(path.dirname(require.resolve('jaeger-client/package.json')),
  'dist/src/jaeger-idl/thrift');
const defs = {};
for (const f of ['jaeger.thrift', 'agent.thrift']) {
  for (const d of idl.parse(fs.readFileSync(path.join(idlDir, f), 'utf8')).definitions) {
    if (d.id) defs[d.id.name] = d;
  }
}

const baseTypes = { bool: T.BOOL, byte: T.BYTE, i8: T.BYTE, i16: T.I16, i32: T.I32, i64: T.I64,
  double: T.DOUBLE, string: T.STRING, binary: T.STRING };

function resolve(vt) {
  if (vt.type === 'BaseType') return { wire: baseTypes[vt.baseType], base: vt.baseType };
  if (vt.type === 'List') return { wire: T.LIST, list: vt.valueType };
  if (vt.type === 'Identifier') {
    const name = vt.name.split('.').pop();
    const d = defs[name];
    if (!d) fail('unknown type ' + vt.name);
    if (d.type === 'Enum') return { wire: T.I32, enumDef: d };
    if (d.type === 'Struct') return { wire: T.STRUCT, struct: d };
  }
  fail('unsupported IDL type ' + JSON.stringify(vt));
}

const i64 = (v) => BigInt.asIntN(64, BigInt('0x' + v.toOctetString())).toString();

function readValue(p, vt) {
  const t = resolve(vt);
  switch (t.wire) {
    case T.BOOL: return p.readBool();
    case T.BYTE: return p.readByte();
    case T.I16: return p.readI16();
    case T.I32: {
      const v = p.readI32();
      if (t.enumDef) {
        // Thrift enums without explicit values count up from 0 (or from the previous value).
        let next = 0;
        for (const x of t.enumDef.definitions) {
          const value = x.value ? x.value.value : next;
          if (value === v) return x.id.name;
          next = value + 1;
        }
        fail('value ' + v + ' not in enum ' + t.enumDef.id.name);
      }
      return v;
    }
    case T.I64: return i64(p.readI64());
    case T.DOUBLE: return p.readDouble();
    case T.STRING: return p.readString();
    case T.LIST: {
      const { etype, size } = p.readListBegin();
      const et = resolve(t.list);
      if (etype !== et.wire) fail('list element type ' + etype + ', IDL wants ' + et.wire);
      const out = [];
      for (let i = 0; i < size; ++i) out.push(readValue(p, t.list));
      p.readListEnd();
      return out;
    }
    case T.STRUCT: return readStruct(p, t.struct.fields, t.struct.id.name);
  }
  fail('unreadable wire type ' + t.wire);
}

function readStruct(p, fields, name) {
  const out = {};
  p.readStructBegin();
  for (;;) {
    const f = p.readFieldBegin();
    if (f.ftype === T.STOP) break;
    const field = fields.find((x) => x.id.value === f.fid);
    if (!field) fail(name + ': unknown field id ' + f.fid);
    const want = resolve(field.valueType).wire;
    if (f.ftype !== want) fail(name + '.' + field.name + ': wire type ' + f.ftype + ', IDL wants ' + want);
    if (field.name in out) fail(name + '.' + field.name + ' appears twice');
    out[field.name] = readValue(p, field.valueType);
    p.readFieldEnd();
  }
  p.readStructEnd();
  for (const field of fields) {
    if (field.required && !(field.name in out)) fail(name + '.' + field.name + ' (required) missing');
  }
  return out;
}

function decode(buf) {
  const trans = new thrift.TBufferedTransport();
  trans.inBuf = buf;
  trans.writeCursor = buf.length;
  const p = new thrift.TCompactProtocol(trans);
  const msg = p.readMessageBegin();
  if (msg.mtype !== MT.ONEWAY) fail('message type ' + msg.mtype + ', expected ONEWAY');
  const fn = defs.Agent.functions.find((f) => f.id.name === msg.fname);
  if (!fn) fail('unknown Agent function ' + msg.fname);
  const args = readStruct(p, fn.fields, msg.fname + '_args');
  p.readMessageEnd();
  if (trans.readCursor !== buf.length) fail((buf.length - trans.readCursor) + ' trailing bytes');
  return { fname: msg.fname, seqid: msg.rseqid, size: buf.length, args };
}

const out = [];
for (const file of process.argv.slice(2)) {
  try { out.push(decode(fs.readFileSync(file))); } catch (e) { fail(file + ': ' + (e.stack || e)); }
}
process.stdout.write(JSON.stringify(out));
