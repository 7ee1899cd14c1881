// A loopback HTTPS collector for the TLS test: node's own TLS stack with the given key and
// certificate. Prints its port, answers every request with 200, and exits after `events`
// requests or failed handshakes (or after 60 s at the latest).
//   node https_sink.js <key.pem> <cert.pem> <events>
'use strict';
const fs = require('fs');
const https = require('https');

const [keyFile, certFile, eventsArg] = process.argv.slice(2);
let left = Number(eventsArg);
const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) });
const done = () => { if (--left <= 0) { server.close(); process.exit(0); } };
server.on('request', (req, res) => {
  let size = 0;
  req.on('data', (c) => { size += c.length; });
  req.on('end', () => {
    process.stdout.write('request ' + req.method + ' ' + req.url + ' ' + size + '\n');
    res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
    res.end();
    done();
  });
});
server.on('tlsClientError', (err) => {
  process.stdout.write('tls-error ' + err.code + '\n');
  done();
});
server.listen(0, '127.0.0.1', () => process.stdout.write('port ' + server.address().port + '\n'));
setTimeout(() => process.exit(2), 60000).unref();
