// Ory's own client, @ory/hydra-client (the TypeScript SDK generated from Hydra's OpenAPI spec),
// against a real `argus serve all` on loopback: the SDK's requests (paths, methods, encodings,
// authentication) must be the ones argus answers, and argus's answers must carry the fields the
// SDK's users read. Covers the client CRUD, pagination, the client-credentials grant,
// introspection, revocation (one token, and all of a client's), the metadata endpoints and the
// error bodies, and checks that nothing argus logged contains a secret or token it handled.
//
// Usage: node hydra_sdk.test.js PATH/TO/argus
'use strict';

const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const net = require('node:net');
const { test, before, after } = require('node:test');
const { Configuration, OAuth2Api, MetadataApi } = require('@ory/hydra-client');

const argusPath = process.argv[2];
if (!argusPath) {
  console.error('usage: node hydra_sdk.test.js PATH/TO/argus');
  process.exit(2);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let argus;
let log = '';
let exited;
let adminUrl;
let publicUrl;
const admin = () => new OAuth2Api(new Configuration({ basePath: adminUrl }));
// The SDK authenticates the token and revocation endpoints with HTTP Basic from its configuration.
const asClient = (id, secret) =>
  new OAuth2Api(new Configuration({ basePath: publicUrl, username: id, password: secret }));
// What the tests handled that must never reach a log line.
const secrets = new Set();

// The status of a rejected SDK call, and the JSON error body argus sent with it.
async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e.response, `no HTTP response: ${e.message}`);
    return { status: e.response.status, body: e.response.data, headers: e.response.headers };
  }
  assert.fail('the call succeeded');
}

before(async () => {
  const [pub, adm] = [await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${pub}`;
  adminUrl = `http://127.0.0.1:${adm}`;
  argus = spawn(argusPath, ['serve', 'all'], {
    env: {
      PATH: process.env.PATH,
      DSN: 'memory',
      SECRETS_SYSTEM: 'hydra-sdk-test-system-secret-0123456789',
      OAUTH2_HASHERS_BCRYPT_COST: '4',
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_PUBLIC_PORT: String(pub),
      SERVE_ADMIN_HOST: '127.0.0.1',
      SERVE_ADMIN_PORT: String(adm),
      LOG_LEVEL: 'debug',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  argus.stdout.on('data', (d) => { log += d; });
  argus.stderr.on('data', (d) => { log += d; });
  exited = new Promise((resolve) => argus.on('exit', (code, signal) => resolve({ code, signal })));
  // Bounded: 200 attempts, each a real readiness request through the SDK.
  const metadata = new MetadataApi(new Configuration({ basePath: adminUrl }));
  for (let i = 0; i < 200; i++) {
    if (argus.exitCode !== null) break;
    try {
      if ((await metadata.isReady()).data.status === 'ok') return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`argus did not become ready:\n${log}`);
});

after(async () => {
  if (!argus || argus.exitCode !== null) return;
  argus.kill('SIGTERM');
  const { code } = await exited;
  assert.equal(code, 0, `argus exited with ${code}:\n${log}`);
});

test('metadata: alive, ready and version on the admin port', async () => {
  const metadata = new MetadataApi(new Configuration({ basePath: adminUrl }));
  assert.equal((await metadata.isAlive()).data.status, 'ok');
  assert.equal((await metadata.isReady()).data.status, 'ok');
  const version = (await metadata.getVersion()).data.version;
  assert.match(version, /^v?\d+\.\d+\.\d+/);
});

test('create, get, set, patch and delete a client', async () => {
  const created = await admin().createOAuth2Client({
    oAuth2Client: {
      client_name: 'sdk client',
      grant_types: ['client_credentials'],
      scope: 'read write',
      audience: ['https://api.example.test'],
      owner: 'sdk-owner',
      contacts: ['ops@example.test'],
      metadata: { team: 'interop', tier: 2 },
    },
  });
  assert.equal(created.status, 201);
  const c = created.data;
  secrets.add(c.client_secret);
  assert.ok(c.client_id.length > 0);
  assert.ok(c.client_secret.length >= 26, 'a generated secret of at least 26 characters');
  assert.equal(created.headers.location.endsWith(`/admin/clients/${c.client_id}`), true);
  assert.equal(c.token_endpoint_auth_method, 'client_secret_basic');
  assert.deepEqual(c.metadata, { team: 'interop', tier: 2 });

  const got = (await admin().getOAuth2Client({ id: c.client_id })).data;
  assert.equal(got.client_name, 'sdk client');
  assert.equal(got.scope, 'read write');
  assert.deepEqual(got.audience, ['https://api.example.test']);
  assert.deepEqual(got.grant_types, ['client_credentials']);
  assert.equal(got.owner, 'sdk-owner');
  assert.equal(got.client_secret, undefined, 'the secret can never be read back');
  assert.ok(!Number.isNaN(Date.parse(got.created_at)));

  // PUT without a secret keeps the old one: the client can still get a token with it.
  const put = await admin().setOAuth2Client({
    id: c.client_id,
    oAuth2Client: { ...got, client_name: 'renamed', scope: 'read' },
  });
  assert.equal(put.data.client_name, 'renamed');
  const token = await asClient(c.client_id, c.client_secret).oauth2TokenExchange({
    grantType: 'client_credentials',
  });
  assert.equal(token.status, 200);
  secrets.add(token.data.access_token);

  const patched = await admin().patchOAuth2Client({
    id: c.client_id,
    jsonPatch: [
      { op: 'replace', path: '/client_name', value: 'patched' },
      { op: 'add', path: '/contacts/-', value: 'dev@example.test' },
    ],
  });
  assert.equal(patched.data.client_name, 'patched');
  assert.deepEqual(patched.data.contacts, ['ops@example.test', 'dev@example.test']);

  const deleted = await admin().deleteOAuth2Client({ id: c.client_id });
  assert.equal(deleted.status, 204);
  const gone = await failure(admin().getOAuth2Client({ id: c.client_id }));
  assert.equal(gone.status, 404);
  assert.equal(typeof gone.body.error, 'string');
});

test('list clients page by page through the Link header, and by owner', async () => {
  const owner = `pager-${process.pid}`;
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const c = (await admin().createOAuth2Client({
      oAuth2Client: { client_id: `${owner}-${i}`, client_secret: `pager-secret-${i}-0123456789`, owner },
    })).data;
    ids.push(c.client_id);
  }
  const seen = [];
  let pageToken;
  for (let page = 0; page < 10; page++) {
    const r = await admin().listOAuth2Clients({ pageSize: 2, pageToken, owner });
    assert.ok(r.data.length <= 2);
    seen.push(...r.data.map((c) => c.client_id));
    const next = /<([^>]*)>;\s*rel="next"/.exec(r.headers.link || '');
    if (!next) break;
    pageToken = new URL(next[1], adminUrl).searchParams.get('page_token');
    assert.ok(pageToken, `a page_token in ${r.headers.link}`);
  }
  assert.deepEqual(seen.sort(), ids.sort());
  const byName = await admin().listOAuth2Clients({ clientName: 'no client has this name' });
  assert.deepEqual(byName.data, []);
});

test('client credentials, introspection and revocation', async () => {
  const id = `cc-${process.pid}`;
  const secret = 'cc-secret-with-enough-length-0123';
  secrets.add(secret);
  await admin().createOAuth2Client({
    oAuth2Client: { client_id: id, client_secret: secret, grant_types: ['client_credentials'],
      scope: 'read' },
  });
  const token = (await asClient(id, secret).oauth2TokenExchange({ grantType: 'client_credentials' }))
    .data;
  secrets.add(token.access_token);
  assert.equal(token.token_type.toLowerCase(), 'bearer');
  assert.ok(token.expires_in > 0 && token.expires_in <= 3600);

  const active = (await admin().introspectOAuth2Token({ token: token.access_token })).data;
  assert.equal(active.active, true);
  assert.equal(active.client_id, id);
  assert.equal(active.token_use, 'access_token');
  assert.ok(active.exp > active.iat);

  const revoked = await asClient(id, secret).revokeOAuth2Token({ token: token.access_token });
  assert.equal(revoked.status, 200);
  const revokedInfo = (await admin().introspectOAuth2Token({ token: token.access_token })).data;
  assert.deepEqual(revokedInfo, { active: false });

  // Every token of the client at once, from the admin API.
  const more = [];
  for (let i = 0; i < 2; i++) {
    const t = (await asClient(id, secret).oauth2TokenExchange({ grantType: 'client_credentials' }))
      .data.access_token;
    secrets.add(t);
    more.push(t);
  }
  const wiped = await admin().deleteOAuth2Token({ clientId: id });
  assert.equal(wiped.status, 204);
  for (const t of more) {
    assert.equal((await admin().introspectOAuth2Token({ token: t })).data.active, false);
  }
});

test('errors come back as RFC 6749 JSON the SDK can read', async () => {
  const id = `dup-${process.pid}`;
  await admin().createOAuth2Client({ oAuth2Client: { client_id: id, client_secret: 'dup-secret-0123456789' } });
  const dup = await failure(admin().createOAuth2Client({
    oAuth2Client: { client_id: id, client_secret: 'dup-secret-0123456789' },
  }));
  assert.equal(dup.status, 409);
  assert.equal(typeof dup.body.error, 'string');
  assert.equal(typeof dup.body.error_description, 'string');

  const wrong = await failure(asClient(id, 'not-the-secret-0123456789')
    .oauth2TokenExchange({ grantType: 'client_credentials' }));
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body.error, 'invalid_client');
  assert.match(wrong.headers['www-authenticate'], /^Basic/);

  const grant = await failure(asClient(id, 'dup-secret-0123456789')
    .oauth2TokenExchange({ grantType: 'password' }));
  assert.equal(grant.status, 400);
  assert.ok(['unsupported_grant_type', 'unauthorized_client'].includes(grant.body.error));

  const badPatch = await failure(admin().patchOAuth2Client({
    id, jsonPatch: [{ op: 'replace', path: '/grant_types', value: 'not a list' }],
  }));
  assert.equal(badPatch.status, 400);
});

test('no secret or token the tests handled appears in argus\'s logs', () => {
  assert.ok(log.length > 0, 'argus logged at debug level');
  for (const s of secrets) assert.ok(!log.includes(s), `a secret or token leaked into the log`);
});
