// A real OpenID Provider for GhostCrate's single sign-on tests: node-oidc-provider (a certified implementation)
// on 127.0.0.1. Usage: node provider.mjs PORT (started by scripts/services/oidc.sh).
//
// - Issuer http://127.0.0.1:PORT, discovery at /.well-known/openid-configuration, signing keys (RS256) at /jwks.
// - Clients register themselves (OpenID Connect Dynamic Client Registration, POST /reg): each test knows its own
//   redirect URI only once its GhostCrate has a port, so no client is fixed here.
// - Any login name signs in (the development login form; the password is ignored). The `groups` claim depends on the
//   name: names containing "admin" are in ["ghostcrate-admins", "staff"], names containing "reader" in
//   ["ghostcrate-readers", "staff"], everyone else in ["staff"]. preferred_username is the login name, e-mail is
//   NAME@example.test.
// - Consent is granted automatically (a first-party client), so the flow is: authorize -> login form -> callback.
// - POST /test/rotate-keys switches to a new signing key: from then on id_tokens are signed with it and /jwks
//   publishes only it, as a provider does after a key rotation (answers {"kid": NEW_KID}). Tests use it to prove
//   that relying parties that cached the old keys still sign people in. Clients, sessions and grants survive: the
//   new provider instance shares the old one's in-memory store.
import crypto from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';
// oidc-provider's own development store, created once so that every provider instance (see /test/rotate-keys) shares
// it; the package has no "exports" map, so the module is reachable (the version is pinned in oidc.sh).
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.mjs PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

function newSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
}
const sharedAdapter = createMemoryAdapter();
// The same cookie keys for every instance, so a browser's provider session survives a key rotation.
const cookieKeys = [crypto.randomBytes(32).toString('hex')];

function groupsOf(name) {
  if (name.includes('admin')) return ['ghostcrate-admins', 'staff'];
  if (name.includes('reader')) return ['ghostcrate-readers', 'staff'];
  return ['staff'];
}

const configuration = (jwk) => ({
  adapter: sharedAdapter,
  jwks: { keys: [jwk] },
  cookies: { keys: cookieKeys },
  scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // Put the scope's claims in the id_token too (GhostCrate reads the id_token, not the userinfo endpoint).
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
  },
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          name: `Test ${id}`,
          preferred_username: id,
          email: `${id}@example.test`,
          email_verified: true,
          groups: groupsOf(id),
        };
      },
    };
  },
  // First-party client: grant whatever it asks for instead of showing a consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups');
    grant.addOIDCClaims(['sub', 'name', 'preferred_username', 'email', 'email_verified', 'groups']);
    await grant.save();
    return grant;
  },
  ttl: { IdToken: 300, AccessToken: 300, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});

function start(jwk) {
  const provider = new Provider(issuer, configuration(jwk));
  return { kid: jwk.kid, handle: provider.callback() };
}

let current = start(newSigningKey());

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/test/rotate-keys') {
    current = start(newSigningKey());
    console.log(`signing key rotated to ${current.kid}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kid: current.kid }));
    return;
  }
  current.handle(req, res);
});
server.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
