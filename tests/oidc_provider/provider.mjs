// A real OpenID Connect provider (panva's oidc-provider, certified by the OpenID Foundation) on loopback, for
// kredensial's sign-in tests (issue 29, item 4). Run: node provider.mjs CONFIG.json
//
// CONFIG.json, written by the test:
//   {"port": 40123,                       loopback port; the issuer is http://127.0.0.1:PORT
//    "keys": "/tmp/x/provider-keys.json", the provider's private JWKS: created (RS256 + ES256) when absent
//    "audience": "kredensial",            the "aud" of every access token
//    "accounts": {"budi": {"nim": "2020001"}, ...},   account id -> the claims its access tokens carry
//    "clients": [{...oidc-provider client metadata...}]}   the browser frontend (public), the machines
//                                         (client credentials), and kredensial's pages: a client whose redirect is
//                                         the served kredensial's /signin/callback (confidential or public)
//
// Access tokens are JWTs (RFC 9068) for one of two resource indicators, both with the audience above:
// urn:kredensial:rs256 (the default) and urn:kredensial:es256, signed with the newest key of that algorithm.
// Sign-in pages are the library's own devInteractions (a login form taking any account id, then a consent form).
//
// Test-only key rotation, on the same port (nothing but loopback reaches it):
//   POST /__test__/keys/rotate  new RS256 and ES256 keys are put first (they sign from now on), the old ones kept
//   POST /__test__/keys/retire  every key but the newest of each algorithm is removed
// Each rewrites the keys file and swaps in a provider built on the new key set; sessions, grants and codes live in
// the library's in-memory adapter, which every provider instance of this process shares. Answers {"kids": [...]}.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const RESOURCES = { 'urn:kredensial:rs256': 'RS256', 'urn:kredensial:es256': 'ES256' };
const COOKIE_KEYS = [randomBytes(32).toString('hex')];

function newKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const tag = randomBytes(6).toString('hex');
  return [
    { ...rsa, alg: 'RS256', use: 'sig', kid: `rs256-${tag}` },
    { ...ec, alg: 'ES256', use: 'sig', kid: `es256-${tag}` },
  ];
}

function saveKeys(keys) {
  writeFileSync(config.keys, JSON.stringify({ keys }, null, 2), { mode: 0o600 });
}

function build(keys) {
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys },
    cookies: { keys: COOKIE_KEYS },
    pkce: { required: () => true },
    scopes: ['openid', 'offline_access', 'kredensial'],
    claims: { openid: ['sub'] },
    ttl: {
      AccessToken: 600, ClientCredentials: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600,
    },
    async findAccount(ctx, sub) {
      if (!Object.hasOwn(config.accounts, sub)) return undefined;
      return { accountId: sub, claims: async () => ({ sub }) };
    },
    // The claims a kredensial mapping reads (nim, roles, university, lsp...) travel in the access token itself.
    async extraTokenClaims(ctx, token) {
      if (token.accountId && Object.hasOwn(config.accounts, token.accountId)) {
        return { ...config.accounts[token.accountId] };
      }
      return undefined;
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx, client, oneOf) => (oneOf ? oneOf[0] : 'urn:kredensial:rs256'),
        useGrantedResource: async () => true,
        async getResourceServerInfo(ctx, indicator) {
          const alg = RESOURCES[indicator];
          if (!alg) throw new errors.InvalidTarget();
          return {
            scope: 'kredensial',
            audience: config.audience,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          };
        },
      },
    },
  });
  provider.on('server_error', (ctx, error) => console.error('provider server_error', error));
  return provider;
}

let keys = existsSync(config.keys) ? JSON.parse(readFileSync(config.keys, 'utf8')).keys : newKeys();
saveKeys(keys);
let callback = build(keys).callback();

function rotate(action) {
  if (action === 'rotate') {
    keys = [...newKeys(), ...keys];
  } else {
    const seen = new Set();
    keys = keys.filter((key) => !seen.has(key.alg) && seen.add(key.alg));
  }
  saveKeys(keys);
  callback = build(keys).callback();
  return { kids: keys.map((key) => key.kid) };
}

const server = createServer((req, res) => {
  const admin = req.url.match(/^\/__test__\/keys\/(rotate|retire)$/);
  if (admin && req.method === 'POST') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(rotate(admin[1])));
    return;
  }
  callback(req, res);
});
server.listen(config.port, '127.0.0.1', () => console.log(`listening ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
