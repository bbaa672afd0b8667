// A real SMTP peer for the tests that read mail as it left secinfo: Debian's python3-aiosmtpd on a
// free loopback port, writing each mail it accepts to a Maildir, started and stopped by PID.
// secinfo sends to it with email.provider = "smtp" (serverEnv()).
import fs from 'node:fs';
import path from 'node:path';
import { accepts, freePort, pollUntil, spawnPeer, stopProcess } from './harness.mjs';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-aiosmtpd lives

/** RFC 2047 encoded-words ("=?UTF-8?B?...?=" or "?Q?") decoded. */
function decodeWords(s) {
  return s.replace(/\r?\n[ \t]+/g, ' ').replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_, enc, text) =>
    enc.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
  );
}

/** One mail as the peer wrote it: { to, from, subject, text, raw } (headers and text/plain decoded). */
export function parseMail(raw) {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
  const header = (name) => decodeWords(head.match(new RegExp(`^${name}: ((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'mi'))?.[1] ?? '').trim();
  const part = raw.split(/\r?\n--/).find((p) => /Content-Type: text\/plain/i.test(p)) ?? raw;
  let body = part.slice(part.search(/\r?\n\r?\n/)).trim();
  if (/Content-Transfer-Encoding: base64/i.test(part)) body = Buffer.from(body.split(/\r?\n--/)[0].replace(/\s+/g, ''), 'base64').toString('utf8');
  else body = Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  return { to: header('To'), from: header('From'), subject: header('Subject'), text: body, raw };
}

export class SmtpPeer {
  /** Starts aiosmtpd writing to `dir`/maildir; resolves once it accepts connections. */
  static async start(dir) {
    const port = await freePort();
    const maildir = path.join(dir, 'maildir');
    const proc = spawnPeer(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir]);
    await pollUntil(() => accepts(port), { timeout: 15_000, interval: 50, message: 'aiosmtpd to listen' });
    return new SmtpPeer(proc, port, maildir);
  }

  constructor(proc, port, maildir) {
    this.proc = proc;
    this.port = port;
    this.maildir = maildir;
  }

  /** The settings that make secinfo send its mail here, from `from`. */
  serverEnv(from) {
    return {
      SECINFO_EMAIL_PROVIDER: 'smtp',
      SECINFO_EMAIL_FROM_ADDRESS: from,
      SECINFO_EMAIL_SMTP_HOST: '127.0.0.1',
      SECINFO_EMAIL_SMTP_PORT: String(this.port),
      SECINFO_EMAIL_SMTP_TLS: 'none',
      SECINFO_EMAIL_SMTP_TIMEOUT_SECONDS: '5',
    };
  }

  /** The mails received so far, oldest first, parsed. */
  mails() {
    const dirNew = path.join(this.maildir, 'new');
    if (!fs.existsSync(dirNew)) return [];
    return fs
      .readdirSync(dirNew)
      .sort()
      .map((f) => parseMail(fs.readFileSync(path.join(dirNew, f), 'utf8')));
  }

  /** Waits until a mail for `to` whose subject matches `subject` has arrived; returns it. */
  waitForMail(to, subject, { timeout = 15_000 } = {}) {
    return pollUntil(() => this.mails().find((m) => m.to.includes(to) && subject.test(m.subject)), {
      timeout,
      message: `a mail to ${to} about ${subject} (Maildir: ${this.mails().map((m) => `${m.to}: ${m.subject}`).join(' | ') || 'empty'})`,
    });
  }

  async stop() {
    await stopProcess(this.proc);
  }
}
