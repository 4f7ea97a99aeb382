// Conformance check: a certified OpenID Connect relying-party library (openid-client) and an
// independent JOSE library (jose) run discovery, client credentials, and an authorization code +
// PKCE sign-in against a running Exchange.Identity, with their strict validation. Exit 0 = pass.
//
// Settings (environment): ISSUER, CC_CLIENT_ID, CC_CLIENT_SECRET, APP_CLIENT_ID, APP_CLIENT_SECRET,
// APP_REDIRECT_URI, USER_EMAIL, USER_PASSWORD.
import * as oidc from 'openid-client';
import * as jose from 'jose';
import assert from 'node:assert/strict';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const issuer = new URL(env('ISSUER'));
// Plain HTTP is only allowed against a loopback test server.
const insecure = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {};

function step(name) { console.log(`- ${name}`); }

// 1. Discovery (validates issuer equality with the discovery URL, as the spec requires).
step('discovery');
const machine = await oidc.discovery(issuer, env('CC_CLIENT_ID'), env('CC_CLIENT_SECRET'), undefined, insecure);
const metadata = machine.serverMetadata();
assert.equal(metadata.issuer, issuer.href.replace(/\/$/, ''));
assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);

// 2. JWKS: public keys only, each with kid, alg and use.
step('jwks');
const jwksResponse = await fetch(metadata.jwks_uri);
assert.equal(jwksResponse.status, 200);
const jwks = await jwksResponse.json();
assert.ok(jwks.keys.length > 0);
for (const key of jwks.keys) {
  assert.ok(key.kid && key.alg && key.use === 'sig', 'kid, alg and use are set');
  assert.equal(key.d, undefined, 'no private parameters');
  await jose.importJWK(key, key.alg);
}
const keySet = jose.createLocalJWKSet(jwks);

async function verifyAccessToken(token, expected) {
  const { payload, protectedHeader } = await jose.jwtVerify(token, keySet, {
    issuer: metadata.issuer,
    audience: 'exchange-api',
    typ: 'at+jwt',
    algorithms: ['ES256'],
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope'],
  });
  assert.equal(protectedHeader.typ, 'at+jwt');
  for (const [name, value] of Object.entries(expected)) assert.equal(payload[name], value, name);
  return payload;
}

// 3. Client credentials.
step('client credentials');
const machineTokens = await oidc.clientCredentialsGrant(machine, { scope: 'cases:read' });
assert.equal(machineTokens.token_type.toLowerCase(), 'bearer');
assert.equal(machineTokens.refresh_token, undefined);
await verifyAccessToken(machineTokens.access_token, { client_id: env('CC_CLIENT_ID'), scope: 'cases:read' });

// A wrong secret is refused with invalid_client.
const wrong = await oidc.discovery(issuer, env('CC_CLIENT_ID'), 'not-the-secret', undefined, insecure);
await assert.rejects(oidc.clientCredentialsGrant(wrong, {}), (error) => error.error === 'invalid_client');

// 4. Authorization code + PKCE, with a scripted browser for the sign-in page.
step('authorization code + PKCE');
const app = await oidc.discovery(issuer, env('APP_CLIENT_ID'), env('APP_CLIENT_SECRET'), undefined, insecure);
const redirectUri = env('APP_REDIRECT_URI');
const verifier = oidc.randomPKCECodeVerifier();
const state = oidc.randomState();
const nonce = oidc.randomNonce();
const authorizeUrl = oidc.buildAuthorizationUrl(app, {
  redirect_uri: redirectUri,
  scope: 'openid profile email offline_access cases:read',
  code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  state,
  nonce,
});

const cookies = new Map();
async function browse(url, init = {}) {
  const headers = new Headers(init.headers);
  if (cookies.size) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const index = pair.indexOf('=');
    cookies.set(pair.slice(0, index), pair.slice(index + 1));
  }
  return response;
}

let response = await browse(authorizeUrl);
assert.equal(response.status, 302);
const loginUrl = new URL(response.headers.get('location'), issuer);
response = await browse(loginUrl);
assert.equal(response.status, 200);
const page = await response.text();
const csrf = /name="__csrf" value="([^"]+)"/.exec(page)?.[1];
assert.ok(csrf, 'the login form carries an antiforgery token');
response = await browse(new URL('/account/login', issuer), {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ __csrf: csrf, returnUrl: loginUrl.searchParams.get('returnUrl'), email: env('USER_EMAIL'), password: env('USER_PASSWORD') }),
});
assert.equal(response.status, 302, 'sign-in succeeds');
response = await browse(new URL(response.headers.get('location'), issuer));
assert.equal(response.status, 302);
const callback = new URL(response.headers.get('location'));
assert.ok(callback.href.startsWith(redirectUri), 'back at the registered redirect URI');

// openid-client checks state, iss (RFC 9207), the ID token (signature, iss, aud, exp, iat, nonce) and PKCE.
const tokens = await oidc.authorizationCodeGrant(app, callback, {
  pkceCodeVerifier: verifier,
  expectedState: state,
  expectedNonce: nonce,
  idTokenExpected: true,
});
const claims = tokens.claims();
assert.equal(claims.nonce, nonce);
assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
await verifyAccessToken(tokens.access_token, { sub: claims.sub, client_id: env('APP_CLIENT_ID') });

step('userinfo');
const userinfo = await oidc.fetchUserInfo(app, tokens.access_token, claims.sub);
assert.equal(userinfo.email, env('USER_EMAIL'));

step('refresh');
const refreshed = await oidc.refreshTokenGrant(app, tokens.refresh_token);
assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
await assert.rejects(oidc.refreshTokenGrant(app, tokens.refresh_token), (error) => error.error === 'invalid_grant');

step('introspection and revocation');
const introspection = await oidc.tokenIntrospection(machine, machineTokens.access_token);
assert.equal(introspection.active, true);
await oidc.tokenRevocation(machine, machineTokens.access_token);
assert.equal((await oidc.tokenIntrospection(machine, machineTokens.access_token)).active, false);

console.log('conformance: all checks passed');
