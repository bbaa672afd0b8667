// /metrics and the JSON request log of a real `secinfo serve`: after a person signs in and another
// is throttled, a scrape from this machine shows the requests by route and status, their latency,
// the lockout and the database pool; every request has one JSON log line with its id (the
// response's X-Request-Id) and, once signed in, the person's tenant.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient, PASSWORD, csrfFrom, pollUntil, startSeededServer } from '../e2e/lib/harness.mjs';

let server;
let stop;

before(async () => {
  ({ server, stop } = await startSeededServer(
    {
      allow: 'phone,authenticator',
      users: [
        { email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en' },
        { email: 'bob@contoso.example', name: 'Bob Martin', locale: 'en' },
      ],
    },
    { env: { SECINFO_LOG_FORMAT: 'json', SECINFO_LOG_LEVEL: 'info' } },
  ));
});

after(async () => {
  await stop?.();
});

/** The value of one series in a scrape, or undefined. */
function sample(text, name, labels) {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${want}} `) || (!want && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The JSON request lines of the server's log. */
function requestLines() {
  return server
    .log()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((j) => j.msg === 'request');
}

test('a scrape after a sign-in shows requests, latency, the lockout and the pool', async () => {
  const ana = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
  const form = await ana.get('/sign-in');
  const signedIn = await ana.post('/sign-in', { csrf: csrfFrom(form.text), username: 'ana@contoso.example', password: PASSWORD });
  assert.equal(signedIn.status, 303);
  const page = await ana.get('/security-info');
  assert.equal(page.status, 200);

  // Bob's password is guessed until the account is throttled (5 failures a window).
  const mallory = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
  const csrf = csrfFrom((await mallory.get('/sign-in')).text);
  let last;
  for (let i = 0; i < 6; i++) {
    last = await mallory.post('/sign-in', { csrf, username: 'bob@contoso.example', password: `guess ${i}` });
  }
  assert.equal(last.status, 429);

  const scrape = await fetch(server.url('/metrics'));
  assert.equal(scrape.status, 200);
  assert.match(scrape.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await scrape.text();
  assert.ok(sample(text, 'secinfo_http_requests_total', { route: '/sign-in', method: 'POST', status: '303' }) >= 1, text);
  assert.ok(sample(text, 'secinfo_http_requests_total', { route: '/sign-in', method: 'POST', status: '401' }) >= 5);
  assert.ok(sample(text, 'secinfo_http_requests_total', { route: '/security-info', method: 'GET', status: '200' }) >= 1);
  assert.ok(sample(text, 'secinfo_http_request_duration_seconds_count', { route: '/sign-in' }) >= 8);
  assert.ok(sample(text, 'secinfo_http_request_duration_seconds_bucket', { route: '/sign-in', le: '+Inf' }) >= 8);
  assert.ok(sample(text, 'secinfo_lockouts_total', { reason: 'sign_in_throttled' }) >= 1);
  assert.ok(sample(text, 'secinfo_db_pool_sessions', {}) >= 1);
  assert.ok(sample(text, 'secinfo_db_pool_leases_total', {}) > 0);
  assert.match(text, /# TYPE secinfo_verifications_total counter/);
  assert.match(text, /# TYPE secinfo_deliveries_total counter/);
  assert.match(text, /# TYPE secinfo_fraud_reports_total counter/);

  // One JSON line per request: the signed-in page names Ana's tenant and the id the browser got.
  const id = page.headers.get('x-request-id');
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{8,}$/);
  const lines = await pollUntil(() => {
    const l = requestLines();
    return l.some((j) => j.request_id === id) && l;
  }, { message: 'the request log line of GET /security-info' });
  const line = lines.find((j) => j.request_id === id);
  assert.equal(line.route, '/security-info');
  assert.equal(line.status, 200);
  assert.equal(line.tenant, 'contoso.example');
  assert.equal(line.level, 'info');
  assert.equal(typeof line.ms, 'number');
  assert.equal(new Set(lines.map((j) => j.request_id)).size, lines.length, 'ids are unique');
  // Before signing in there is no tenant to name.
  assert.ok(lines.some((j) => j.route === '/sign-in' && j.status === 401 && j.tenant === ''));
  // Successful probes stay out of the info log (the harness polled /readyz to start the server).
  assert.ok(!lines.some((j) => j.route === '/readyz' && j.status === 200));
});

test('/metrics refuses a client relayed by a proxy when only loopback may read it', async () => {
  const r = await fetch(server.url('/metrics'), { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(r.status, 403);
});
