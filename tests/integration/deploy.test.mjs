// deploy/: the systemd unit passes `systemd-analyze verify` and stays hardened (exposure ≤ 2.0 in
// `systemd-analyze security`), and the sample production configuration starts the real binary:
// production mode (no simulator), real providers named in /readyz, JSON logs, loopback-only
// metrics, and Secure cookies when the trusted reverse proxy says the client used HTTPS.
//
// The sample's database is PostgreSQL: the test starts a throw-away PostgreSQL 15 (the harness the
// multi-node test uses) and changes only the sample's `connection` line to point at it, so its
// backend and pool size are the ones exercised.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  Postgresql,
  REPO_DIR,
  SECINFO_BIN,
  freePort,
  makeTempDir,
  pollUntil,
  removeDir,
  stopProcess,
} from '../e2e/lib/harness.mjs';

const UNIT = path.join(REPO_DIR, 'deploy', 'secinfo.service');
const SAMPLE = path.join(REPO_DIR, 'deploy', 'secinfo.toml');
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

let dir;
let proc;
let port;
let logFile;
let pg;
let connection;
let configPath;
let env;

before(async () => {
  dir = makeTempDir('secinfo-deploy-');
  pg = Postgresql.start();
  connection = pg.newDatabase('secinfo');
  const sample = fs.readFileSync(SAMPLE, 'utf8');
  // Only the [database] table's connection line: where the test cluster listens.
  const config = sample.replace(/^(\[database\]\n(?:[^[\n].*\n|\n)*?)connection = .*$/m,
    (_, table) => `${table}connection = "${connection}"`);
  assert.notEqual(config, sample, 'the sample has a [database] connection');
  assert.match(config, /^\[database\]\nbackend = "postgresql"$/m, 'the sample runs on PostgreSQL');
  configPath = path.join(dir, 'secinfo.toml');
  fs.writeFileSync(configPath, config);

  port = await freePort();
  // Only what cannot be the same on a test machine: where files go, which port, and the peers'
  // addresses (loopback, where none listens: readiness says so, start-up must not care).
  env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SECINFO_')) env[k] = v;
  Object.assign(env, {
    SECINFO_SERVER_PORT: String(port),
    SECINFO_SECURITY_KEY_FILE: path.join(dir, 'secinfo.key'),
    SECINFO_VOICE_SIP_HOST: '127.0.0.1',
    SECINFO_VOICE_SIP_LOCAL_ADDRESS: '127.0.0.1',
    SECINFO_VOICE_SIP_LOCAL_PORT: '0',
    SECINFO_VOICE_SIP_PROMPT_CACHE_DIR: path.join(dir, 'prompts'),
    SECINFO_SMS_SMPP_HOST: '127.0.0.1',
    SECINFO_SMS_SMPP_PORT: String(await freePort()),
    SECINFO_EMAIL_SMTP_HOST: '127.0.0.1',
    SECINFO_EMAIL_SMTP_PORT: String(await freePort()),
  });
  // As the unit does: migrate, then serve.
  const migrate = spawnSync(SECINFO_BIN, ['--config', configPath, 'migrate'], { env, encoding: 'utf8' });
  assert.equal(migrate.status, 0, migrate.stderr);
  assert.match(migrate.stdout, /applied|up to date/);

  logFile = path.join(dir, 'serve.log');
  const log = fs.openSync(logFile, 'a');
  proc = spawn(SECINFO_BIN, ['--config', configPath, 'serve'], { env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  proc.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  await pollUntil(async () => {
    if (proc.exitCode !== null) throw new Error(`secinfo exited: ${fs.readFileSync(logFile, 'utf8')}`);
    return (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  }, { timeout: 15_000, interval: 50, message: 'the sample configuration to serve /healthz' });
});

after(async () => {
  if (proc) await stopProcess(proc);
  if (pg) pg.stopSync();
  if (dir) removeDir(dir);
});

// What the sample's node wrote, read back from the cluster with psql.
function psql(sql) {
  const r = spawnSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', connection, '-c', sql], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const url = (p) => `http://127.0.0.1:${port}${p}`;

test('the systemd unit passes systemd-analyze verify and is hardened', { skip: !hasSystemdAnalyze && 'systemd-analyze is not installed' }, () => {
  const unit = fs.readFileSync(UNIT, 'utf8');
  for (const line of ['User=secinfo', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'ProtectHome=yes',
    'PrivateTmp=yes', 'CapabilityBoundingSet=', 'StateDirectory=secinfo', 'UMask=0077']) {
    assert.ok(unit.split('\n').includes(line), `the unit sets ${line}`);
  }
  // verify wants the binary the unit starts to exist: the copy starts the one just built.
  const copy = path.join(dir, 'secinfo.service');
  fs.writeFileSync(copy, unit.replaceAll('/usr/local/bin/secinfo', SECINFO_BIN));
  const verify = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stderr);
  assert.equal(verify.stderr.trim(), '', 'no warnings');
  const security = spawnSync('systemd-analyze', ['security', '--offline=yes', '--threshold=20', copy], { encoding: 'utf8' });
  assert.equal(security.status, 0, `exposure above 2.0:\n${security.stdout.split('\n').slice(-3).join('\n')}`);
  assert.match(security.stdout, /Overall exposure level for secinfo\.service: [01]\.\d|Overall exposure level for secinfo\.service: 2\.0/);
});

test('the sample configuration migrates and serves on PostgreSQL', async () => {
  const ready = await (await fetch(url('/readyz'))).text();
  assert.match(ready, /^database: ok$/m);
  assert.match(fs.readFileSync(logFile, 'utf8'), /database postgresql/, 'the log names the backend');
  // `secinfo migrate` applied every PostgreSQL migration in the cluster.
  const migrations = fs.readdirSync(path.join(REPO_DIR, 'src', 'store', 'migrations', 'postgresql'));
  assert.equal(Number(psql('SELECT count(*) FROM schema_migrations')), migrations.length);
  // An administrator's command with the same configuration writes there too.
  const created = spawnSync(SECINFO_BIN, ['--config', configPath, 'admin', 'create-tenant', '--name', 'Fabrikam',
    '--domain', 'fabrikam.example', '--locale', 'en', '--region', 'US'], { env, encoding: 'utf8' });
  assert.equal(created.status, 0, created.stderr);
  assert.equal(psql("SELECT name FROM tenants WHERE domain = 'fabrikam.example'"), 'Fabrikam');
});

test('the sample configuration runs in production mode with its real providers', async () => {
  const ready = await fetch(url('/readyz'));
  const text = await ready.text();
  assert.match(text, /^database: ok$/m);
  for (const provider of ['sms (smpp)', 'email (smtp)', 'voice (sip)']) {
    assert.ok(text.includes(`\n${provider}: `), `/readyz names ${provider}:\n${text}`);
  }
  // Nothing listens where the test pointed SMPP: not ready, and /readyz says why.
  assert.equal(ready.status, 503);
  assert.match(text, /sms \(smpp\): unavailable/);
  // Production: the simulated phone network, which shows every code, does not exist.
  assert.equal((await fetch(url('/sim'))).status, 404);
  assert.equal((await fetch(url('/sign-in'))).status, 200);
});

test('behind the TLS proxy cookies are Secure; metrics stay on this machine', async () => {
  const viaProxy = await fetch(url('/sign-in'), { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' } });
  // public_url is https: cookies are __Host- prefixed and Secure.
  const cookie = viaProxy.headers.getSetCookie().find((c) => c.startsWith('__Host-secinfo_pre='));
  assert.ok(cookie, `a pre-session cookie: ${viaProxy.headers.getSetCookie()}`);
  assert.match(cookie, /; Secure/);
  assert.equal((await fetch(url('/metrics'))).status, 200);
  assert.equal((await fetch(url('/metrics'), { headers: { 'x-forwarded-for': '198.51.100.7' } })).status, 403);
});

test('the log is JSON, one object a line', async () => {
  await fetch(url('/sign-in'));
  const lines = await pollUntil(() => {
    const l = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    return l.some((x) => x.includes('"route":"/sign-in"')) && l;
  }, { message: 'a request line for /sign-in' });
  for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
  assert.ok(lines.map((l) => JSON.parse(l)).some((j) => j.msg === 'request' && j.route === '/sign-in' && j.request_id));
});
