// tests/peers/smsc.pl, the Net::SMPP SMSC (Debian's libnet-smpp-perl), for end-to-end tests:
// started on a free port of 127.0.0.1 and stopped by PID (stopProcess), its log read back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_DIR, freePort, pollUntil, spawnPeer } from './harness.mjs';

export const SMSC_PL = path.join(REPO_DIR, 'tests', 'peers', 'smsc.pl');

/** Starts a peer program (spawnPeer) and resolves once `ready(proc)` is true (polled). */
export async function startPeer(command, args, ready, what) {
  const proc = spawnPeer(command, args);
  let exitInfo = null;
  proc.exited.then((x) => (exitInfo = x));
  await pollUntil(
    async () => {
      if (exitInfo) throw new Error(`${what} exited at start (${JSON.stringify(exitInfo)}):\n${proc.output()}`);
      return ready(proc);
    },
    { timeout: 15_000, interval: 50, message: `${what} to be ready` },
  );
  return proc;
}

/**
 * Starts smsc.pl in `dir` accepting `systemId`/`password`, with its other options (`--receipts`,
 * ...); resolves with { proc, port, log }.
 */
export async function startSmsc(dir, { systemId, password, options = [] }) {
  const port = await freePort();
  const log = path.join(dir, 'smsc.log');
  const proc = await startPeer(
    'perl',
    [SMSC_PL, '--port', String(port), '--system-id', systemId, '--password', password, '--out', log, ...options],
    (p) => p.output().includes(`listening on ${port}`),
    'the SMSC (smsc.pl)',
  );
  return { proc, port, log };
}

/** The lines of one kind ('submit_sm', 'bind', 'receipt', ...) the SMSC logged, as objects. */
export function smscRecords(smsc, kind) {
  if (!fs.existsSync(smsc.log)) return [];
  return fs
    .readFileSync(smsc.log, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(`${kind}\t`))
    .map((line) => Object.fromEntries(line.split('\t').slice(1).map((f) => [f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1)])));
}

/**
 * The texts the SMSC took for `digits` (the destination without "+"), oldest first: each part's
 * submit_sm with the receipt the SMSC sent for it, if any.
 */
export function smscTextsTo(smsc, digits) {
  const receipts = smscRecords(smsc, 'receipt');
  return smscRecords(smsc, 'submit_sm')
    .filter((s) => s.dest === digits)
    .map((s) => ({ submit: s, receipt: receipts.find((r) => r.message_id === s.message_id) }));
}

// GSM 03.38 basic character set: SMPP data_coding 0 carries one character per octet.
const GSM7 =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** What the phone shows for one submit_sm (single part). */
export function decodeSms(pdu) {
  const bytes = Buffer.from(pdu.short_message, 'hex');
  if (pdu.data_coding === '8') return bytes.swap16().toString('utf16le');
  assert.equal(pdu.data_coding, '0', `data_coding ${pdu.data_coding}`);
  return [...bytes].map((b) => GSM7[b]).join('');
}
