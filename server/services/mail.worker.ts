import nodemailer, { Transporter } from 'nodemailer';
import type { Config } from '../config';
import crypto from 'node:crypto';
import { boundDatabase, withDatabase } from '../queries/database.queries';
import { OutboxRow, claimOne, markFailedAttempt, markSent, renewClaim } from '../queries/outbox.queries';
import { calendarMethod } from './ical.service';

/** What a sent message's status links become in the outbox: a status link opens a request. */
const MASKED_STATUS_LINK = '/status/[link removed after sending]';

/**
 * The text with every status link masked. The link is in the message only until it is sent:
 * after that the outbox (which a director can read, and a backup keeps) holds no working one.
 */
function maskStatusLinks(text: string): string {
  return text.replace(/\/status\/[A-Za-z0-9_-]{20,100}/g, MASKED_STATUS_LINK);
}

export const MAX_ATTEMPTS = 8;

/** Wait before the next try after `attempts` failures: 30 s, 1 min, 2 min … at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface MailWorker {
  /** Sends what is due now; returns how many were sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

interface MailWorkerOptions {
  intervalMs?: number;
  transport?: Transporter;
  log?: (msg: string, extra?: object) => void;
  /** Messages sent at once (MAIL_CONCURRENCY). */
  concurrency?: number;
  /** How long a claim reserves a message (MAIL_LEASE_MS); renewed every third of it while sending. */
  leaseMs?: number;
}

/**
 * Delivers the outbox by SMTP. Each message is claimed on its own, with a token and a short lease
 * that the worker renews while the mail server takes its time; the claim is checked again just
 * before sending and when marking the message sent. So several app instances never send the same
 * message, and a message claimed by an instance that died is taken over once its lease runs out
 * (seconds, not minutes). A failure is retried with backoff, up to MAX_ATTEMPTS, then left as
 * failed for a director to retry. Pages never wait for the mail server. The worker sends the
 * outbox of the database bound when it starts (its app's), whoever asks it to run.
 */
export function startMailWorker(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, options: MailWorkerOptions = {}): MailWorker {
  const transport =
    options.transport ??
    nodemailer.createTransport(
      config.smtpUrl as string,
      { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never,
    );
  const concurrency = options.concurrency ?? 4;
  const leaseMs = options.leaseMs ?? 30_000;
  // Receivers (and their mail clients) recognize a message sent again after an ill-timed crash by its id.
  const idDomain = /@([^>\s]+)/.exec(config.mailFrom)?.[1] ?? 'leep.invalid';
  const database = boundDatabase();
  let running: Promise<number> | undefined;
  let stopped = false;

  /** Sends one claimed message; a failure is put back with backoff, or failed after the last try. */
  const sendOne = async (m: OutboxRow, token: string): Promise<boolean> => {
    // The claim is checked (and extended) right before sending: a message whose lease ran out
    // while it waited its turn may have been taken over by another instance.
    if (!(await renewClaim(m.id, token, Date.now() + leaseMs))) return false;
    const heartbeat = setInterval(
      () => {
        renewClaim(m.id, token, Date.now() + leaseMs).catch((err) =>
          options.log?.('mail claim not renewed', { id: m.id, error: (err as Error).message }),
        );
      },
      Math.max(200, Math.floor(leaseMs / 3)),
    );
    try {
      await transport.sendMail({
        from: config.mailFrom,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        messageId: `<outbox-${m.id}@${idDomain}>`,
        attachments: m.ics
          ? [{ filename: 'leep-meeting.ics', content: m.ics, contentType: `text/calendar; charset=utf-8; method=${calendarMethod(m.ics)}` }]
          : [],
      });
    } catch (err) {
      clearInterval(heartbeat);
      const attempts = m.attempts + 1;
      const next = attempts >= MAX_ATTEMPTS ? null : Date.now() + backoffMs(attempts);
      await markFailedAttempt(m.id, token, (err as Error).message ?? String(err), next);
      options.log?.('mail not sent', { id: m.id, attempts, error: (err as Error).message });
      return false;
    }
    clearInterval(heartbeat);
    await markSent(m.id, token, new Date().toISOString(), {
      text_body: maskStatusLinks(m.text_body),
      html_body: maskStatusLinks(m.html_body),
      ics: m.ics === null ? null : maskStatusLinks(m.ics),
    });
    return true;
  };

  const runOnce = async (): Promise<number> => {
    if (running) return running;
    running = withDatabase(database, async () => {
      let sent = 0;
      // Round after round until nothing due is left, so that a backlog clears in one run.
      while (!stopped) {
        const claimed: [OutboxRow, string][] = [];
        for (let i = 0; i < concurrency; i += 1) {
          const token = crypto.randomBytes(16).toString('hex');
          const m = await claimOne(Date.now(), leaseMs, token);
          if (!m) break;
          claimed.push([m, token]);
        }
        const results = await Promise.all(claimed.map(([m, token]) => sendOne(m, token)));
        sent += results.filter(Boolean).length;
        if (claimed.length < concurrency) break;
      }
      return sent;
    }).finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    if (!stopped) runOnce().catch((err) => options.log?.('mail worker failed', { error: (err as Error).message }));
  }, options.intervalMs ?? 5_000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
      if (!options.transport) transport.close();
    },
  };
}
