// A real SMTP server with STARTTLS (nodemailer's smtp-server) for the email tests that maildev cannot serve: maildev 3
// does not offer STARTTLS. Started by scripts/services/smtp-tls.sh as `node server.cjs PORT DIR`; everything it needs
// is in DIR, written by the test:
//   DIR/cert.pem, DIR/key.pem   the server's certificate (chain) and key, made by the test (its own CA or self-signed)
//   DIR/password                the password of user "ghostcrate"
//   DIR/no-starttls             (optional) hide STARTTLS from EHLO, as a server without TLS or a stripping attacker would
// It writes one JSON line per event, so a test can read what the server saw:
//   DIR/received.jsonl   {"kind":"auth","user":..,"secure":..} for a login and
//                        {"kind":"message","secure":..,"tls":{..}|null,"user":..,"from":..,"to":[..],"data":".."}
// A login and a message are accepted on a plain connection too (allowInsecureAuth): a client that fell back to plain
// text would succeed here, so a test that sees nothing arrive shows the client refused, not the server.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const [port, dir] = process.argv.slice(2);
const received = path.join(dir, 'received.jsonl');
const password = fs.readFileSync(path.join(dir, 'password'), 'utf8').trim();
const record = (entry) => fs.appendFileSync(received, JSON.stringify(entry) + '\n');

const server = new SMTPServer({
  secure: false,
  key: fs.readFileSync(path.join(dir, 'key.pem')),
  cert: fs.readFileSync(path.join(dir, 'cert.pem')),
  hideSTARTTLS: fs.existsSync(path.join(dir, 'no-starttls')),
  authMethods: ['PLAIN', 'LOGIN'],
  authOptional: true,
  allowInsecureAuth: true,
  logger: false,
  onAuth(auth, session, callback) {
    record({ kind: 'auth', user: auth.username, secure: Boolean(session.secure) });
    if (auth.username !== 'ghostcrate' || auth.password !== password) return callback(new Error('Invalid username or password'));
    callback(null, { user: auth.username });
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      record({
        kind: 'message',
        secure: Boolean(session.secure),
        tls: session.secure ? session.tlsOptions || null : null,
        user: session.user || null,
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        data: Buffer.concat(chunks).toString('utf8'),
      });
      callback();
    });
  },
});
server.on('error', (error) => console.error(error));
server.listen(Number(port), '127.0.0.1');
