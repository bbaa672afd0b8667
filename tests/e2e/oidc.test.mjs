// secinfo as an OpenID Connect provider, driven by a real relying party: npm `openid-client` v6
// (discovery, code flow with PKCE, nonce and state, token exchange, userinfo, refresh, logout) with
// Chromium doing the browser part, and `jose` checking RS256 and ES256 ID tokens against the JWKS
// before and after `secinfo admin rotate-signing-key`. Then one test per rule of the OpenID
// Foundation's Basic OP certification plan that this provider must pass, named after it, the amr
// an ID token shows after a password alone, an authenticator code and a call answered with #, and
// a code issued on one node exchanged on another that shares the database.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as client from 'openid-client';
import * as jose from 'jose';
import {
  OUTPUT_DIR,
  PASSWORD,
  REPO_DIR,
  Server,
  checkEveryPage,
  clickAndWaitForNavigation,
  freePort,
  launchBrowser,
  makeTempDir,
  pollUntil,
  registerPhone,
  removeDir,
  screenshot,
  seedTenant,
  spawnPeer,
  stopProcess,
} from './lib/harness.mjs';
import { answerCall, enrolApp, pathOf, setSignIn, totp, waitForPath } from './lib/sign_in_steps.mjs';

const NAME = 'oidc';
const ANA = { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en' };
const BRUNO = { email: 'bruno@contoso.example', name: 'Bruno Petit', locale: 'en' };
const CHLOE = { email: 'chloe@contoso.example', name: 'Chloé Martin', locale: 'en' };
const DANA = { email: 'dana@contoso.example', name: 'Dana Roux', locale: 'en' };
const MOBILE = { number: '06 12 34 56 78', e164: '+33612345678' };
const EN_APP = { name: 'Name', next: 'Next', code: 'Enter the 6-digit code' };
const TWO_STEP = 'urn:secinfo:acr:two-step';

let dir;
let server;
let rp; // the relying party's callback server
let rpBase;
let browser;
let a11y;
let page;
let phonePage;
let confidential; // { id, secret, config }: RS256, client_secret_basic
let es256; // { id, secret, config }: ES256, client_secret_post

/** `secinfo admin add-client ...`: the printed client_id and client_secret. */
function addClient(args) {
  const out = server.admin(['add-client', '--tenant', 'contoso.example', ...args]);
  return { id: out.match(/^client_id: (\S+)$/m)[1], secret: out.match(/^client_secret: (\S+)$/m)?.[1] };
}

async function configFor(c, metadata = {}, auth = undefined) {
  return client.discovery(new URL(server.baseUrl), c.id, { client_secret: c.secret, ...metadata }, auth, {
    execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  });
}

before(async () => {
  dir = makeTempDir();
  const port = await freePort();
  server = new Server({ dir, port, env: { SECINFO_SERVER_PUBLIC_URL: `http://127.0.0.1:${port}` } });
  seedTenant(server, { locale: 'en', region: 'FR', allow: 'phone,authenticator', users: [ANA, BRUNO, CHLOE, DANA] });
  setSignIn(server, ['--mfa', 'off']);
  await server.start();

  // The application's callback: a page that says it received the answer.
  rp = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>Wiki</title><main><h1>Wiki callback</h1></main></html>');
  });
  await new Promise((r) => rp.listen(0, '127.0.0.1', r));
  rpBase = `http://127.0.0.1:${rp.address().port}`;

  confidential = addClient(['--name', 'Wiki', '--redirect-uri', `${rpBase}/cb`, '--post-logout-redirect-uri', `${rpBase}/bye`]);
  confidential.config = await configFor(confidential);
  es256 = addClient(['--name', 'Mail', '--redirect-uri', `${rpBase}/cb`, '--id-token-alg', 'ES256']);
  es256.config = await configFor(es256, { id_token_signed_response_alg: 'ES256' }, client.ClientSecretPost(es256.secret));

  browser = await launchBrowser(dir, { locale: 'en-US' });
  a11y = checkEveryPage(browser);
  page = await browser.newPage();
  phonePage = await browser.newPage();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((r) => (rp ? rp.close(r) : r()));
  removeDir(dir);
});

/** A fresh authorization request's values and URL for `config`. */
async function request(config, extra = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const checks = { pkceCodeVerifier: verifier, expectedState: client.randomState(), expectedNonce: client.randomNonce() };
  const params = {
    redirect_uri: `${rpBase}/cb`,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) if (v === undefined) delete params[k];
  if (params.nonce === undefined) delete checks.expectedNonce;
  return { url: client.buildAuthorizationUrl(config, params), checks };
}

/** openid-client's error for an OAuth error answer `code` (invalid_grant, ...). */
const oauthError = (code) => (e) => e?.error === code || e?.cause?.error === code;

const atCallback = (u) => u.href.startsWith(`${rpBase}/`);

/** Opens the authorization URL; returns once the browser is back at the application. */
async function goAndComeBack(url) {
  await page.goto(url.href);
  await page.waitForURL(atCallback, { timeout: 15_000 });
  return new URL(page.url());
}

/** Opens the authorization URL, signs in with the password, returns the callback URL. */
async function signInThrough(url, person, { expectHint } = {}) {
  await page.goto(url.href);
  await waitForPath(page, '/sign-in');
  if (expectHint) assert.equal(await page.locator('#username').inputValue(), expectHint);
  await page.locator('#username').fill(person.email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('main form[action="/sign-in"] button[type=submit]').click();
  await page.waitForURL(atCallback, { timeout: 20_000 });
  return new URL(page.url());
}

/** Opens the authorization URL and submits `person`'s password on the sign-in page it leads to. */
async function submitPasswordAt(url, person) {
  await page.goto(url.href);
  await waitForPath(page, '/sign-in');
  await page.locator('#username').fill(person.email);
  await page.locator('#password').fill(PASSWORD);
  await clickAndWaitForNavigation(page, page.locator('main form[action="/sign-in"] button[type=submit]'));
}

async function signInAndExchange(config, person, extra = {}) {
  await browser.clearCookies();
  const { url, checks } = await request(config, extra);
  const back = await signInThrough(url, person);
  return client.authorizationCodeGrant(config, back, checks);
}

test('discovery lists the endpoints, algorithms and acr values clients need', async () => {
  const m = confidential.config.serverMetadata();
  assert.equal(m.issuer, server.baseUrl);
  assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
  assert.deepEqual(m.id_token_signing_alg_values_supported, ['RS256', 'ES256']);
  assert.ok(m.acr_values_supported.includes(TWO_STEP));
  assert.equal(m.authorization_response_iss_parameter_supported, true);
  for (const e of ['client_secret_basic', 'client_secret_post', 'none']) assert.ok(m.token_endpoint_auth_methods_supported.includes(e));
});

test('code flow with PKCE, nonce and state: the ID token says who and how (pwd alone), userinfo, refresh, logout', async () => {
  const tokens = await signInAndExchange(confidential.config, ANA);
  const claims = tokens.claims();
  assert.equal(claims.email, ANA.email);
  assert.equal(claims.name, ANA.name);
  assert.deepEqual(claims.amr, ['pwd']);
  assert.equal(claims.acr, 'urn:secinfo:acr:password');
  assert.ok(Math.abs(claims.auth_time - Date.now() / 1000) < 60);
  const info = await client.fetchUserInfo(confidential.config, tokens.access_token, claims.sub);
  assert.equal(info.email, ANA.email);
  assert.equal(info.locale, 'en');

  const refreshed = await client.refreshTokenGrant(confidential.config, tokens.refresh_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'refresh tokens rotate');
  assert.equal(refreshed.claims().sub, claims.sub);
  // The old refresh token again: refused, and the sign-in's tokens are revoked (reuse detection).
  await assert.rejects(client.refreshTokenGrant(confidential.config, tokens.refresh_token), oauthError('invalid_grant'));
  await assert.rejects(client.fetchUserInfo(confidential.config, refreshed.access_token, claims.sub));

  // RP-initiated logout: back at the application with its state, and signed out of secinfo.
  const logout = client.buildEndSessionUrl(confidential.config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: `${rpBase}/bye`,
    state: 'bye-1',
  });
  const back = await goAndComeBack(logout);
  assert.equal(back.pathname, '/bye');
  assert.equal(back.searchParams.get('state'), 'bye-1');
  await page.goto(server.url('/security-info'));
  await waitForPath(page, '/sign-in');
  await screenshot(page, NAME, '01-signed-out');
});

test('OP-prompt-none-NotLoggedIn: login_required at the callback, with state and iss, no page shown', async () => {
  await browser.clearCookies();
  const { url, checks } = await request(confidential.config, { prompt: 'none' });
  const back = await goAndComeBack(url);
  assert.equal(back.searchParams.get('error'), 'login_required');
  assert.equal(back.searchParams.get('state'), checks.expectedState);
  assert.equal(back.searchParams.get('iss'), server.baseUrl);
});

test('OP-prompt-none-LoggedIn: a signed-in person gets a code without any page', async () => {
  const first = await signInAndExchange(confidential.config, ANA);
  const { url, checks } = await request(confidential.config, { prompt: 'none' });
  const back = await goAndComeBack(url);
  const tokens = await client.authorizationCodeGrant(confidential.config, back, checks);
  assert.equal(tokens.claims().sub, first.claims().sub);
});

test('OP-prompt-login: the password is asked again even when signed in', async () => {
  const first = await signInAndExchange(confidential.config, ANA);
  const { url, checks } = await request(confidential.config, { prompt: 'login' });
  const back = await signInThrough(url, ANA);
  const tokens = await client.authorizationCodeGrant(confidential.config, back, checks);
  assert.ok(tokens.claims().auth_time >= first.claims().auth_time);
});

test('OP-Req-max_age=1: a sign-in older than a second is asked for again, and auth_time is fresh', async () => {
  const first = await signInAndExchange(confidential.config, ANA);
  // Let the sign-in become older than max_age (a second of real time: auth_time has 1 s steps).
  await pollUntil(() => Date.now() / 1000 > first.claims().auth_time + 2, { timeout: 5000, message: 'two seconds to pass' });
  const { url, checks } = await request(confidential.config, { max_age: '1' });
  const back = await signInThrough(url, ANA);
  const tokens = await client.authorizationCodeGrant(confidential.config, back, { ...checks, maxAge: 30 });
  assert.ok(tokens.claims().auth_time > first.claims().auth_time);
});

test('OP-OAuth-2nd: a code works once, and its second use revokes the tokens the first gave', async () => {
  await browser.clearCookies();
  const { url, checks } = await request(confidential.config);
  const back = await signInThrough(url, ANA);
  const tokens = await client.authorizationCodeGrant(confidential.config, back, checks);
  await assert.rejects(client.authorizationCodeGrant(confidential.config, back, checks), oauthError('invalid_grant'));
  await assert.rejects(client.fetchUserInfo(confidential.config, tokens.access_token, tokens.claims().sub));
});

test('OP-redirect_uri-NotReg: an unregistered redirect_uri is refused on a page, never redirected', async () => {
  const { url } = await request(confidential.config, { redirect_uri: `${rpBase}/elsewhere` });
  const res = await page.goto(url.href);
  assert.equal(res.status(), 400);
  assert.equal(new URL(page.url()).origin, server.baseUrl);
  assert.match(await page.locator('main').innerText(), /not registered for it/);
  await screenshot(page, NAME, '02-redirect-uri-not-registered');
});

test('OP-Response-Missing: no response_type is refused on a page, never redirected', async () => {
  const { url } = await request(confidential.config);
  url.searchParams.delete('response_type');
  const res = await page.goto(url.href);
  assert.equal(res.status(), 400);
  assert.match(await page.locator('main').innerText(), /incomplete sign-in request/);
});

for (const scope of ['openid profile email', 'openid email profile']) {
  test(`OP-scope-profile-email: scope "${scope}" gives name and email at userinfo`, async () => {
    const tokens = await signInAndExchange(confidential.config, ANA, { scope });
    const info = await client.fetchUserInfo(confidential.config, tokens.access_token, tokens.claims().sub);
    assert.equal(info.name, ANA.name);
    assert.equal(info.email, ANA.email);
    assert.deepEqual(tokens.scope.split(' ').sort(), ['email', 'openid', 'profile']);
  });
}

test('OP-scope-email alone: no name', async () => {
  const tokens = await signInAndExchange(confidential.config, ANA, { scope: 'openid email' });
  const info = await client.fetchUserInfo(confidential.config, tokens.access_token, tokens.claims().sub);
  assert.equal(info.email, ANA.email);
  assert.equal(info.name, undefined);
});

test('OP-nonce-noReq-code: without a nonce the ID token has none; OP-nonce-code: a nonce is echoed', async () => {
  const without = await signInAndExchange(confidential.config, ANA, { nonce: undefined });
  assert.equal(without.claims().nonce, undefined);
  const withNonce = await signInAndExchange(confidential.config, ANA);
  assert.ok(withNonce.claims().nonce);
});

test('OP-Req-NotUnderstood, OP-display-page, OP-display-popup, OP-Req-claims_locales: accepted and ignored', async () => {
  for (const extra of [{ extra_thing: 'x' }, { display: 'page' }, { display: 'popup' }, { claims_locales: 'fr' }]) {
    const tokens = await signInAndExchange(confidential.config, ANA, extra);
    assert.equal(tokens.claims().email, ANA.email);
  }
});

test('OP-Req-login_hint fills the user name; OP-Req-ui_locales shows the sign-in page in French', async () => {
  await browser.clearCookies();
  const { url, checks } = await request(confidential.config, { login_hint: ANA.email, ui_locales: 'fr-FR en' });
  await page.goto(url.href);
  await waitForPath(page, '/sign-in');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.locator('#username').inputValue(), ANA.email);
  await screenshot(page, NAME, '03-login-hint-french');
  await page.locator('#password').fill(PASSWORD);
  await page.locator('main form[action="/sign-in"] button[type=submit]').click();
  await page.waitForURL(atCallback, { timeout: 20_000 });
  await client.authorizationCodeGrant(confidential.config, new URL(page.url()), checks);
});

test('OP-UserInfo-Header and OP-UserInfo-Body: userinfo by GET with the header and by POST with the token in the body', async () => {
  const tokens = await signInAndExchange(confidential.config, ANA);
  const get = await fetch(server.url('/oidc/userinfo'), { headers: { authorization: `Bearer ${tokens.access_token}` } });
  assert.equal((await get.json()).email, ANA.email);
  const post = await fetch(server.url('/oidc/userinfo'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ access_token: tokens.access_token }),
  });
  assert.equal((await post.json()).email, ANA.email);
  const bad = await fetch(server.url('/oidc/userinfo'), { headers: { authorization: 'Bearer nope' } });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate'), /invalid_token/);
});

test('OP-ClientAuth-SecretPost and a public client with PKCE alone', async () => {
  const tokens = await signInAndExchange(es256.config, ANA);
  assert.equal(tokens.claims().aud, es256.id);
  const pub = addClient(['--name', 'App', '--redirect-uri', `${rpBase}/cb`, '--public']);
  assert.equal(pub.secret, undefined, 'a public client gets no secret');
  const config = await configFor({ id: pub.id }, { token_endpoint_auth_method: 'none' }, client.None());
  const t = await signInAndExchange(config, ANA);
  assert.equal(t.claims().aud, pub.id);
});

test('a third-party application asks for consent; refused, it hears access_denied; allowed, never again', async () => {
  const partner = addClient(['--name', 'Partner Portal', '--redirect-uri', `${rpBase}/cb`, '--third-party']);
  partner.config = await configFor(partner);
  await browser.clearCookies();
  let { url, checks } = await request(partner.config);
  await page.goto(url.href);
  await waitForPath(page, '/sign-in');
  await page.locator('#username').fill(ANA.email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('main form[action="/sign-in"] button[type=submit]').click();
  await page.locator('form[action="/oidc/consent"]').waitFor({ timeout: 15_000 });
  assert.match(await page.locator('main').innerText(), /Partner Portal wants to sign you in[\s\S]*Your account's email address/);
  await screenshot(page, NAME, '06-consent');
  await page.getByRole('button', { name: "Don't allow" }).click();
  await page.waitForURL(atCallback, { timeout: 15_000 });
  let back = new URL(page.url());
  assert.equal(back.searchParams.get('error'), 'access_denied');
  assert.equal(back.searchParams.get('state'), checks.expectedState);

  ({ url, checks } = await request(partner.config));
  await page.goto(url.href);
  await page.locator('form[action="/oidc/consent"]').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: 'Allow', exact: true }).click();
  await page.waitForURL(atCallback, { timeout: 15_000 });
  const tokens = await client.authorizationCodeGrant(partner.config, new URL(page.url()), checks);
  assert.equal(tokens.claims().email, ANA.email);

  // Consent is remembered: the next sign-in goes straight back, even with prompt=none.
  ({ url, checks } = await request(partner.config, { prompt: 'none' }));
  back = await goAndComeBack(url);
  assert.ok(back.searchParams.get('code'), `a code, not ${back.search}`);
});

test('RFC 7009: a revoked refresh token no longer refreshes', async () => {
  const tokens = await signInAndExchange(confidential.config, ANA);
  await client.tokenRevocation(confidential.config, tokens.refresh_token);
  await assert.rejects(client.refreshTokenGrant(confidential.config, tokens.refresh_token), oauthError('invalid_grant'));
});

/** Verifies an ID token with jose against the JWKS as published now; returns its header. */
async function verifyWithJwks(idToken, audience, algorithms) {
  const jwks = jose.createLocalJWKSet(await (await fetch(server.url('/oidc/jwks'))).json());
  const { protectedHeader } = await jose.jwtVerify(idToken, jwks, { issuer: server.baseUrl, audience, algorithms });
  return protectedHeader;
}

test('jose verifies RS256 and ES256 ID tokens against the JWKS before and after rotate-signing-key', async () => {
  const rsBefore = (await signInAndExchange(confidential.config, ANA)).id_token;
  const esBefore = (await signInAndExchange(es256.config, ANA)).id_token;
  const rsKid = (await verifyWithJwks(rsBefore, confidential.id, ['RS256'])).kid;
  const esKid = (await verifyWithJwks(esBefore, es256.id, ['ES256'])).kid;
  // The kid is the RFC 7638 thumbprint of the published key.
  const published = (await (await fetch(server.url('/oidc/jwks'))).json()).keys;
  for (const k of published) assert.equal(await jose.calculateJwkThumbprint(k), k.kid);

  const out = server.admin(['rotate-signing-key']);
  assert.match(out, /signing with/);
  // Applications that discover the provider again (openid-client keeps a JWKS for 30 s).
  const rsConfig = await configFor(confidential);
  const esConfig = await configFor(es256, { id_token_signed_response_alg: 'ES256' }, client.ClientSecretPost(es256.secret));
  const rsAfter = (await signInAndExchange(rsConfig, ANA)).id_token;
  const esAfter = (await signInAndExchange(esConfig, ANA)).id_token;
  assert.notEqual((await verifyWithJwks(rsAfter, confidential.id, ['RS256'])).kid, rsKid);
  assert.notEqual((await verifyWithJwks(esAfter, es256.id, ['ES256'])).kid, esKid);
  // Tokens signed before the rotation still verify: their keys stay published until they expire.
  assert.equal((await verifyWithJwks(rsBefore, confidential.id, ['RS256'])).kid, rsKid);
  assert.equal((await verifyWithJwks(esBefore, es256.id, ['ES256'])).kid, esKid);
  confidential.config = rsConfig;
  es256.config = esConfig;
});

test('amr: pwd, otp and mfa after an authenticator code, and OP-Req-acr_values asks for it when the tenant would not', async () => {
  // Bruno adds an authenticator app on Security info (no method yet: no step-up).
  await browser.clearCookies();
  await page.goto(server.url('/sign-in'));
  await page.locator('#username').fill(BRUNO.email);
  await page.locator('#password').fill(PASSWORD);
  await clickAndWaitForNavigation(page, page.locator('main form[action="/sign-in"] button[type=submit]'));
  const secret = await enrolApp(page, server, NAME, 'Phone app', EN_APP);

  // Two-step verification is off for the tenant: acr_values asks for it anyway.
  await browser.clearCookies();
  const { url, checks } = await request(confidential.config, { acr_values: TWO_STEP });
  await submitPasswordAt(url, BRUNO);
  await waitForPath(page, '/sign-in/verify');
  await screenshot(page, NAME, '04-acr-two-step');
  // The code of the next 30-s step: the one enrolment used may still be current.
  await page.locator('#code').fill(totp(secret, Math.floor(Date.now() / 1000) + 30));
  await page.locator('form[action="/sign-in/verify/app"] button[type=submit]').click();
  await page.waitForURL(atCallback, { timeout: 20_000 });
  const tokens = await client.authorizationCodeGrant(confidential.config, new URL(page.url()), checks);
  assert.deepEqual(tokens.claims().amr, ['pwd', 'otp', 'mfa']);
  assert.equal(tokens.claims().acr, TWO_STEP);
});

test('amr: tel (and mfa) after a sign-in call answered with #, on a tenant that requires two steps', async () => {
  await browser.clearCookies();
  await page.goto(server.url('/sign-in'));
  await page.locator('#username').fill(CHLOE.email);
  await page.locator('#password').fill(PASSWORD);
  await clickAndWaitForNavigation(page, page.locator('main form[action="/sign-in"] button[type=submit]'));
  await page.goto(server.url('/security-info/phone'));
  await registerPhone(page, phonePage, server, { type: 'mobile', region: 'FR', number: MOBILE.number, e164: MOBILE.e164 });

  setSignIn(server, ['--mfa', 'all']);
  try {
    await browser.clearCookies();
    const { url, checks } = await request(confidential.config);
    await page.goto(url.href);
    await waitForPath(page, '/sign-in');
    await page.locator('#username').fill(CHLOE.email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('main form[action="/sign-in"] button[type=submit]').click();
    await answerCall(phonePage, server, MOBILE.e164, ['#']);
    await page.waitForURL(atCallback, { timeout: 30_000 });
    const tokens = await client.authorizationCodeGrant(confidential.config, new URL(page.url()), checks);
    assert.deepEqual(tokens.claims().amr, ['pwd', 'tel', 'mfa']);
  } finally {
    setSignIn(server, ['--mfa', 'off']);
  }
});

test('the registration interrupt keeps the way back: Done after adding an app returns to the application', async () => {
  setSignIn(server, ['--mfa', 'all']);
  try {
    await browser.clearCookies();
    const { url, checks } = await request(confidential.config);
    await submitPasswordAt(url, DANA);
    // Dana has no method yet: the tenant asks her to register one before going on.
    await waitForPath(page, '/sign-in/setup');
    await enrolApp(page, server, NAME, 'Dana phone', EN_APP);
    await page.locator('#done').click();
    // The tenant may first ask for password-reset methods; skipping them is hers to choose.
    await waitForPath(page, /^\/(cb|sign-in\/reset-setup)$/);
    if (!atCallback(new URL(page.url()))) await page.locator('#reset-setup-skip').click();
    await waitForPath(page, '/cb');
    const tokens = await client.authorizationCodeGrant(confidential.config, new URL(page.url()), checks);
    assert.equal(tokens.claims().email, DANA.email);
    // The way back was used once: Security info is Security info again.
    await page.goto(server.url('/security-info'));
    assert.equal(new URL(page.url()).pathname, '/security-info');
  } finally {
    setSignIn(server, ['--mfa', 'off']);
  }
});

test('two nodes: authorization on node A, token exchange and userinfo on node B', async () => {
  const nodeB = new Server({ dir, name: 'node-b', env: { SECINFO_SERVER_PUBLIC_URL: server.baseUrl } });
  await nodeB.start();
  try {
    await browser.clearCookies();
    const { url, checks } = await request(confidential.config);
    const back = await signInThrough(url, ANA);
    const m = confidential.config.serverMetadata();
    const onB = new client.Configuration(
      { ...m, token_endpoint: nodeB.url('/oidc/token'), userinfo_endpoint: nodeB.url('/oidc/userinfo'), jwks_uri: nodeB.url('/oidc/jwks') },
      confidential.id,
      confidential.secret,
    );
    client.allowInsecureRequests(onB);
    client.enableNonRepudiationChecks(onB);
    const tokens = await client.authorizationCodeGrant(onB, back, checks);
    assert.equal(tokens.claims().email, ANA.email);
    const info = await client.fetchUserInfo(onB, tokens.access_token, tokens.claims().sub);
    assert.equal(info.email, ANA.email);
  } finally {
    await nodeB.stop();
  }
});

test('examples/oidc-rp signs Ana in through secinfo and shows her factors', async () => {
  // The example, copied under tests/e2e so that it finds this folder's openid-client.
  const copy = path.join(OUTPUT_DIR, NAME, 'example');
  fs.mkdirSync(copy, { recursive: true });
  fs.copyFileSync(path.join(REPO_DIR, 'examples', 'oidc-rp', 'app.mjs'), path.join(copy, 'app.mjs'));
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const reg = addClient(['--name', 'Example', '--redirect-uri', `${appUrl}/cb`, '--post-logout-redirect-uri', `${appUrl}/`]);
  const app = spawnPeer('env', [`ISSUER=${server.baseUrl}`, `APP_URL=${appUrl}`, `CLIENT_ID=${reg.id}`, `CLIENT_SECRET=${reg.secret}`, process.execPath, path.join(copy, 'app.mjs')]);
  try {
    await pollUntil(() => app.output().includes('open '), { timeout: 10_000, message: 'the example to listen' });
    await browser.clearCookies();
    await page.goto(appUrl);
    await waitForPath(page, '/sign-in');
    await page.locator('#username').fill(ANA.email);
    await page.locator('#password').fill(PASSWORD);
    await page.locator('main form[action="/sign-in"] button[type=submit]').click();
    await page.waitForURL((u) => u.href.startsWith(`${appUrl}/cb`), { timeout: 20_000 });
    assert.equal(await page.locator('#amr').textContent(), 'pwd');
    assert.match(await page.locator('body').innerText(), /Hello Ana Lima/);
    await screenshot(page, NAME, '05-example-app');
  } finally {
    await stopProcess(app);
  }
});

test('every page shown passed axe (the consent-free pages: sign-in, verify, errors, security info)', async () => {
  const checked = await a11y.assertClean();
  assert.ok(checked.has('/oidc/authorize'), 'the authorization error pages were checked');
});
