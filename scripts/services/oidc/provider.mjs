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
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node provider.mjs PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };

function groupsOf(name) {
  if (name.includes('admin')) return ['ghostcrate-admins', 'staff'];
  if (name.includes('reader')) return ['ghostcrate-readers', 'staff'];
  return ['staff'];
}

const configuration = {
  jwks: { keys: [jwk] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
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
};

const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
