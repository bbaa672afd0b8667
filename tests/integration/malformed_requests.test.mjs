// 10,000 malformed HTTP requests sent over raw sockets to a real `secinfo serve`, as a scanner or
// an attacker sends them: bad methods, huge headers, broken chunking, invalid UTF-8, duplicate
// cookies, bad percent-encoding, absurd Content-Length, and valid requests with bytes flipped.
// None may be answered 5xx, the server must not crash, and /healthz still answers afterwards.
// The mix is drawn from a fixed seed, so a failure replays identically.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  HttpClient,
  PASSWORD,
  csrfFrom,
  startSeededServer,
} from '../e2e/lib/harness.mjs';

const TOTAL = 10_000;
const CONCURRENCY = 32;
const PER_CONNECTION_MS = 3_000; // a request the server waits on (short body) is given up here

let server;
let stop;
let session; // a signed-in person's cookie and CSRF token, so that fuzzed forms reach handlers

before(async () => {
  ({ server, stop } = await startSeededServer({
    allow: 'phone,email,questions,authenticator',
    users: [{ email: 'ana@contoso.example', name: 'Ana Lima', locale: 'en' }],
  }));
  const client = new HttpClient(server.baseUrl, { headers: { 'accept-language': 'en' } });
  const form = await client.get('/sign-in');
  const signedIn = await client.post('/sign-in', {
    csrf: csrfFrom(form.text),
    username: 'ana@contoso.example',
    password: PASSWORD,
  });
  assert.equal(signedIn.status, 303);
  const page = await client.get('/security-info/phone');
  session = { cookie: client.cookieHeader(), csrf: csrfFrom(page.text) };
});

after(async () => {
  await stop?.();
});

/** A deterministic PRNG (mulberry32), so that a failing mix can be replayed. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(0x5ec1f0);
const pick = (list) => list[Math.floor(rand() * list.length)];
const bytes = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p, 'latin1'))));

const PATHS = [
  '/', '/sign-in', '/security-info', '/security-info/phone', '/security-info/email', '/security-info/questions',
  '/security-info/authenticator', '/security-info/codes/x', '/security-info/phone/calls/abc/status',
  '/sim', '/sim/inbox', '/sim/phone/%2B33612345678', '/sim/phone/%2B33612345678/state', '/language',
  '/api/authenticator/requests', '/api/authenticator/enrol/abc', '/static/style.css', '/healthz', '/nowhere',
];
const FORM_PATHS = ['/sign-in', '/language', '/security-info/phone', '/security-info/email',
  '/security-info/questions', '/security-info/authenticator', '/security-info/default',
  '/security-info/codes/abc', '/sign-out', '/api/authenticator/enrol/abc', '/api/authenticator/requests/x'];
const INVALID_UTF8 = ['\xff', '\xfe\xfe', '\xc0\xaf', '\xed\xa0\x80', '\xf8\x88\x80\x80\x80', '\xe2\x82', '\x80', '\xf4\x90\x80\x80'];
const CONTROLS = ['\x00', '\x01', '\x1b[2J', '\x7f', '\t', '\r', '\n', '\r\n'];

function head(method, target, headers = []) {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
}

/** A form post carrying the signed-in person's cookie and CSRF token, with `fields` mangled. */
function formPost(path, fields, extraHeaders = []) {
  const body = bytes(...Object.entries({ csrf: session.csrf, ...fields }).flatMap(([k, v], i) => [i ? '&' : '', k, '=', v]));
  return bytes(
    head('POST', path, [
      `Cookie: ${session.cookie}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${body.length}`,
      ...extraHeaders,
    ]),
    body,
  );
}

const weird = () => pick([pick(INVALID_UTF8), pick(CONTROLS), '%', '%zz', '%0', '%00', '%ff%fe', '%c0%af', '%0d%0a',
  '+', '\xe2\x80\xae', 'A'.repeat(70_000), '"><script>', "'", '../../', '%2e%2e%2f']);

const GENERATORS = {
  badMethod: () => head(pick(['GE T', 'get', 'FOO', '\x00GET', 'G\xffT', 'CONNECT', 'TRACE', 'PROPFIND', 'M'.repeat(5000), '', 'GET GET']), pick(PATHS)),
  badRequestLine: () => pick([
    'GET\r\n\r\n', 'GET /\r\n\r\n', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1 extra\r\n\r\n',
    `GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 'GET http://evil.example/ HTTP/1.1\r\n\r\n',
    'GET * HTTP/1.1\r\nHost: x\r\n\r\n', '\r\n\r\n\r\n', 'HTTP/1.1 200 OK\r\n\r\n', 'GET /\x00 HTTP/1.1\r\n\r\n',
  ]),
  hugeHeaders: () => pick([
    head('GET', pick(PATHS), [`X-Big: ${'a'.repeat(20_000)}`]),
    head('GET', pick(PATHS), Array.from({ length: 150 }, (_, i) => `X-H${i}: v`)),
    head('GET', pick(PATHS), [`${'N'.repeat(400)}: v`]),
    head('GET', pick(PATHS), [`Cookie: ${'c=1; '.repeat(3000)}`]),
    head('GET', pick(PATHS), [`Accept-Language: ${'fr-FR;q=0.9, '.repeat(1000)}`]),
    head('GET', pick(PATHS), ['Bad Header: x', 'NoColon', ': empty name']),
  ]),
  brokenChunking: () => bytes(
    head('POST', pick(FORM_PATHS), [`Cookie: ${session.cookie}`, 'Content-Type: application/x-www-form-urlencoded', 'Transfer-Encoding: chunked',
      ...(rand() < 0.3 ? ['Content-Length: 5'] : [])]),
    pick(['zz\r\nabc\r\n0\r\n\r\n', 'FFFFFFFFFFFFFFFFFF\r\nabc\r\n', '5\r\nab\r\n0\r\n\r\n', '-1\r\n\r\n', '3\r\nabc0\r\n\r\n',
      '3;ext=\xff\r\nabc\r\n0\r\n\r\n', '0\r\nTrailer: \x00\r\n\r\n', `a\r\ncsrf=${session.csrf}\r\n`, '\r\n\r\n']),
  ),
  invalidUtf8: () => pick([
    head('GET', `/sim/phone/${pick(INVALID_UTF8)}`),
    head('GET', `/sign-in?return_to=${pick(INVALID_UTF8)}`),
    head('GET', pick(PATHS), [`Accept-Language: ${pick(INVALID_UTF8)}`, `Cookie: secinfo_lang=${pick(INVALID_UTF8)}`]),
    formPost(pick(FORM_PATHS), { username: pick(INVALID_UTF8), password: pick(INVALID_UTF8), number: pick(INVALID_UTF8), region: 'FR', email: pick(INVALID_UTF8), lang: pick(INVALID_UTF8) }),
  ]),
  duplicateCookies: () => head('GET', pick(PATHS), pick([
    [`Cookie: ${session.cookie}; secinfo_session=forged`],
    [`Cookie: ${session.cookie}`, 'Cookie: secinfo_session=tossed'],
    ['Cookie: secinfo_pre=a; secinfo_pre=b', 'Accept-Language: fr'],
    ['Cookie: secinfo_lang=fr; secinfo_lang=en'],
  ])),
  badPercentEncoding: () => head('GET', pick([
    '/%', '/%z', '/%zz', '/sim/phone/%', '/sim/phone/%2', '/sim/phone/%00', '/sim/phone/%ff%fe',
    '/sign-in?return_to=%0d%0aSet-Cookie:%20x=1', '/sign-in?return_to=/%09/evil.example', '/%2e%2e/%2e%2e/etc/passwd',
    '/static/..%2f..%2fetc%2fpasswd', '/security-info/codes/%00', '/sign-in?%=%&&==&', '/api/authenticator/enrol/%ff',
  ]), [`Cookie: ${session.cookie}`]),
  absurdContentLength: () => bytes(
    head('POST', pick(FORM_PATHS), [`Cookie: ${session.cookie}`, 'Content-Type: application/x-www-form-urlencoded',
      ...pick([['Content-Length: -1'], ['Content-Length: 99999999999999999999999'], ['Content-Length: 1e3'],
        ['Content-Length: 5', 'Content-Length: 7'], ['Content-Length: 0x10'], ['Content-Length: 100000000'],
        ['Content-Length: 3, 3'], ['Content-Length: 60']])]),
    `csrf=${session.csrf}&a=b`,
  ),
  mangledForms: () => formPost(pick(FORM_PATHS), {
    username: weird(), password: weird(), number: weird(), region: pick(['FR', 'ZZ', '', weird()]),
    phone_type: pick(['mobile', 'office', weird()]), verify: pick(['call', 'sms', weird()]), email: weird(),
    lang: pick(['fr', 'en', weird()]), return_to: weird(), code: weird(), name: weird(), method: weird(),
  }, rand() < 0.2 ? [`Accept-Language: ${weird()}`] : []),
  flippedBytes: () => {
    const base = Buffer.from(rand() < 0.5 ? head('GET', pick(PATHS), [`Cookie: ${session.cookie}`]) : formPost(pick(FORM_PATHS), { number: '0612345678', region: 'FR' }));
    for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) base[Math.floor(rand() * base.length)] = Math.floor(rand() * 256);
    return base;
  },
};

/** Sends `request` on a fresh connection, half-closes, and returns every status answered. */
function exchange(port, request) {
  return new Promise((resolve) => {
    const chunks = [];
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve([...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1])));
    };
    const timer = setTimeout(done, PER_CONNECTION_MS);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', done);
    socket.on('close', done);
    socket.on('connect', () => socket.end(request));
  });
}

test('10,000 malformed requests get no 5xx, the server survives and /healthz still answers', async () => {
  const kinds = Object.keys(GENERATORS);
  const requests = Array.from({ length: TOTAL }, (_, i) => {
    const kind = kinds[i % kinds.length];
    return { kind, bytes: bytes(GENERATORS[kind]()) };
  });
  const statuses = new Map(); // kind → { status → count }
  const failures = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < requests.length) {
      const r = requests[next++];
      for (const status of await exchange(server.port, r.bytes)) {
        const counts = statuses.get(r.kind) ?? new Map();
        counts.set(status, (counts.get(status) ?? 0) + 1);
        statuses.set(r.kind, counts);
        if (status >= 500 && failures.length < 5) failures.push({ status, kind: r.kind, request: r.bytes.toString('latin1').slice(0, 300) });
      }
    }
  }));
  const seconds = (Date.now() - started) / 1000;
  const summary = [...statuses].map(([k, c]) => `${k}: ${[...c].map(([s, n]) => `${s}×${n}`).join(' ')}`).join('\n');
  console.log(`${TOTAL} requests in ${seconds.toFixed(1)} s\n${summary}`);

  assert.deepEqual(failures, [], `5xx answers:\n${JSON.stringify(failures, null, 1)}\n${summary}`);
  assert.equal(server.proc.exitCode, null, `secinfo exited:\n${server.log().slice(-2000)}`);
  assert.equal(server.proc.signalCode, null, `secinfo was killed:\n${server.log().slice(-2000)}`);
  // Duplicate cookies are refused, never silently resolved to the first value.
  assert.ok(!statuses.get('duplicateCookies')?.has(200), `a duplicated cookie was accepted:\n${summary}`);
  assert.ok(statuses.get('duplicateCookies')?.get(400) > 0, summary);
  const t0 = Date.now();
  const health = await fetch(server.url('/healthz'), { signal: AbortSignal.timeout(2000) });
  assert.equal(health.status, 200);
  assert.ok(Date.now() - t0 < 1000, `/healthz took ${Date.now() - t0} ms`);
  assert.doesNotMatch(server.log(), /handler threw|io thread caught/);
});
