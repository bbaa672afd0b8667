// Measures a running secinfo the way people use it: idle memory, page and health throughput,
// sign-in latency (Argon2id), and whole phone registrations (form → call → answer → # → listed)
// through the simulated phone network. Starts its own server on a free loopback port and stops it.
//
//   node bench/bench.mjs [path/to/secinfo]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.argv[2] || 'build/secinfo';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function rssKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

async function waitReady(base, deadlineMs = 15000) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try { if ((await fetch(base + '/readyz')).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('server did not become ready');
}

// A browser-like client: a cookie jar and the CSRF token of the last page.
class Client {
  constructor(base) { this.base = base; this.cookies = new Map(); this.csrf = ''; }
  async request(path, { method = 'GET', form } = {}) {
    const headers = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'accept-language': 'en' };
    let body;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ csrf: this.csrf, ...form }).toString();
    }
    const r = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const v = pair.slice(i + 1);
      if (v) this.cookies.set(pair.slice(0, i), v); else this.cookies.delete(pair.slice(0, i));
    }
    const text = await r.text();
    const m = /name="csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return { status: r.status, location: r.headers.get('location'), text };
  }
}

async function throughput(base, path, total, concurrency) {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < total) {
      const r = await fetch(base + path);
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`${path}: ${r.status}`);
    }
  }));
  return total / ((performance.now() - start) / 1000);
}

function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

async function register(client, number) {
  const r = await client.request('/security-info/phone', { method: 'POST', form: { region: 'FR', number, phone_type: 'office', verify: 'call' } });
  if (r.status !== 303) throw new Error(`wizard answered ${r.status}`);
  const id = /calls\/([^?]+)/.exec(r.location)[1];
  const e164 = encodeURIComponent('+33' + number.replace(/\D/g, '').slice(1));
  await client.request(`/sim/phone/${e164}`);
  await client.request(`/sim/phone/${e164}/calls/${id}/answer`, { method: 'POST', form: {} });
  await client.request(`/sim/phone/${e164}`);
  await client.request(`/sim/phone/${e164}/calls/${id}/key`, { method: 'POST', form: { key: '#' } });
  const s = JSON.parse((await client.request(`/security-info/phone/calls/${id}/status`)).text);
  if (s.state !== 'confirmed') throw new Error(`call ended as ${s.state}`);
  const info = await client.request('/security-info');
  const method = /data-method-id="(\d+)"/.exec(info.text)[1];
  await client.request(`/security-info/methods/${method}/delete`);
  const d = await client.request(`/security-info/methods/${method}/delete`, { method: 'POST', form: {} });
  if (d.status !== 303) throw new Error(`delete answered ${d.status}`);
}

const dir = mkdtempSync(join(tmpdir(), 'secinfo-bench-'));
const port = await freePort();
const env = {
  ...process.env,
  SECINFO_SERVER_PORT: String(port),
  SECINFO_DATABASE_CONNECTION: join(dir, 'db.sqlite'),
  SECINFO_SECURITY_KEY_FILE: join(dir, 'key'),
  SECINFO_DEMO_ENABLED: 'false',
  SECINFO_SECURITY_MAX_CALLS_PER_USER_PER_HOUR: '1000',
};
const admin = (...args) => execFileSync(bin, ['admin', ...args], { env, input: 'bench-password-1\n' });
admin('create-tenant', '--name', 'Contoso', '--domain', 'contoso.example');
const users = 4;
for (let i = 0; i < users; i++) admin('create-user', '--email', `u${i}@contoso.example`, '--password-stdin', '--locale', 'en');

const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const results = [];
try {
  await waitReady(base);
  await new Promise((r) => setTimeout(r, 1000));  // let start-up allocations settle before measuring idle memory
  results.push(['idle memory (RSS) after start', `${(rssKiB(server.pid) / 1024).toFixed(1)} MiB`]);

  for (const [path, what] of [['/healthz', 'GET /healthz'], ['/sign-in', 'GET /sign-in (rendered page)']]) {
    let wrk = null;
    try {  // wrk (Debian package) loads the server far harder than a Node client can
      const out = execFileSync('wrk', ['-t1', '-c32', '-d5s', base + path], { encoding: 'utf8' });
      wrk = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]);
    } catch { /* no wrk: fall back to Node's fetch */ }
    if (wrk !== null) results.push([`${what}, wrk 32 connections, 5 s`, `${wrk.toFixed(0)} req/s`]);
    else results.push([`${what}, Node fetch 16 concurrent`, `${(await throughput(base, path, 5000, 16)).toFixed(0)} req/s`]);
  }

  const clients = [];
  const signInMs = [];
  for (let i = 0; i < users; i++) {
    const c = new Client(base);
    await c.request('/sign-in');
    const t = performance.now();
    const r = await c.request('/sign-in', { method: 'POST', form: { username: `u${i}@contoso.example`, password: 'bench-password-1' } });
    signInMs.push(performance.now() - t);
    if (r.status !== 303) throw new Error('sign-in failed');
    await c.request('/security-info');  // the session's own CSRF token
    clients.push(c);
  }
  for (let i = 0; i < 6; i++) {  // more samples on one account
    const c = new Client(base);
    await c.request('/sign-in');
    const t = performance.now();
    await c.request('/sign-in', { method: 'POST', form: { username: 'u0@contoso.example', password: 'bench-password-1' } });
    signInMs.push(performance.now() - t);
  }
  results.push(['sign-in with Argon2id (m=19 MiB, t=2), median', `${median(signInMs).toFixed(0)} ms`]);

  const perUser = 50;
  const start = performance.now();
  await Promise.all(clients.map(async (c, u) => {
    for (let i = 0; i < perUser; i++) await register(c, `04 25 55 ${String(10 + u).padStart(2, '0')} ${String(i).padStart(2, '0')}`);
  }));
  const secs = (performance.now() - start) / 1000;
  results.push([`phone registrations end to end (${users} people × ${perUser}, 9 HTTP requests each)`, `${((users * perUser) / secs).toFixed(1)} /s`]);
  results.push(['memory (RSS) after the run', `${(rssKiB(server.pid) / 1024).toFixed(1)} MiB`]);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.on('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
console.log('| what | measured |\n|---|---|');
for (const [what, value] of results) console.log(`| ${what} | ${value} |`);
