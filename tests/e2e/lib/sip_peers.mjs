// The SIP world of tests/peers for the browser tests: `sip_peers` (kamailio as the carrier, one
// baresip process per number) and baresip's ctrl_tcp, through which a test plays the person on
// the phone (accept, keys as RFC 4733, hang up) and waits for baresip's events.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { REPO_DIR, firstJsonLine, spawnPeer } from './harness.mjs';

export const SIP_PEERS = process.env.SECINFO_SIP_PEERS || path.join(REPO_DIR, 'build', 'tests', 'sip_peers');

/**
 * Starts `sip_peers args...`; `line` resolves with its JSON line. It holds kamailio and the phones
 * until its stdin closes (so they also go when this process dies) or it gets SIGTERM.
 */
export function startSipPeers(args) {
  if (!fs.existsSync(SIP_PEERS)) {
    throw new Error(`sip_peers not found at ${SIP_PEERS}: build it (ninja -C build sip_peers), or set SECINFO_SIP_PEERS`);
  }
  const proc = spawnPeer(SIP_PEERS, args);
  return { proc, line: firstJsonLine(proc, 'sip_peers') };
}

/**
 * One baresip process's ctrl_tcp: commands as netstring-framed JSON with a token, answered with
 * {"response":true,"ok":..,"data":..,"token":..}; events ({"event":true,"type":"CALL_...",..})
 * arrive on the same stream and are kept in order.
 */
export class BaresipCtrl {
  static connect(port, label) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.off('error', reject);
        resolve(new BaresipCtrl(socket, label));
      });
      socket.once('error', reject);
    });
  }

  constructor(socket, label) {
    this.socket = socket;
    this.label = label;
    this.buffer = Buffer.alloc(0);
    this.events = [];
    this.pending = new Map();
    this.waiters = new Set();
    this.nextToken = 1;
    this.closed = false;
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error(`${label}: ctrl_tcp closed`));
      this.notify();
    });
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (this.buffer.length < colon + 1 + len + 1) return;
      const body = this.buffer.subarray(colon + 1, colon + 1 + len).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 1 + len + 1); // and the ','
      let msg;
      try {
        msg = JSON.parse(body);
      } catch {
        continue;
      }
      if (msg.response) {
        const p = this.pending.get(msg.token);
        this.pending.delete(msg.token);
        p?.resolve(msg);
      } else if (msg.event) {
        this.events.push(msg);
        this.notify();
      }
    }
  }

  notify() {
    for (const w of this.waiters) w();
  }

  /** Runs a baresip command; resolves with its text answer, rejects when baresip says it failed. */
  async command(command, params, { timeout = 5000 } = {}) {
    const token = `t${this.nextToken++}`;
    const body = Buffer.from(JSON.stringify(params === undefined ? { command, token } : { command, params, token }));
    let timer;
    const answered = new Promise((resolve, reject) => {
      this.pending.set(token, { resolve, reject });
      timer = setTimeout(() => reject(new Error(`${this.label}: no answer to ${command} in ${timeout} ms`)), timeout);
    });
    this.socket.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    const msg = await answered.finally(() => clearTimeout(timer));
    if (!msg.ok) throw new Error(`${this.label}: ${command} ${params ?? ''} failed: ${msg.data}`);
    return msg.data;
  }

  /** Where the events seen so far end; pass it to waitForEvent to ignore older ones. */
  mark() {
    return this.events.length;
  }

  /** Resolves with the first event of `type` at index `since` or later; rejects after `timeout`. */
  waitForEvent(type, { since = 0, timeout = 10_000 } = {}) {
    return new Promise((resolve, reject) => {
      let timer;
      const check = () => {
        const e = this.events.slice(since).find((x) => x.type === type);
        if (!e && !this.closed) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        if (e) resolve(e);
        else reject(new Error(`${this.label}: ctrl_tcp closed while waiting for ${type}`));
      };
      timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`${this.label}: no ${type} in ${timeout} ms; events: ${this.events.slice(since).map((x) => x.type).join(' ') || 'none'}`));
      }, timeout);
      this.waiters.add(check);
      check();
    });
  }

  close() {
    this.socket.destroy();
  }
}

/**
 * The file the SIP provider caches a spoken prompt in, under `cacheDir` (voice.sip.prompt_cache_dir;
 * src/channels/voice/sip/prompt_cache.cc).
 */
export function promptFile(cacheDir, locale, text) {
  const key = crypto.createHash('sha256').update(`secinfo-prompt-v1|8000|ulaw|${locale}\0${text}`, 'utf8').digest('hex');
  return path.join(cacheDir, `${key}.ul`);
}
