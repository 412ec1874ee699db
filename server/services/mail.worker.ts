import nodemailer, { Transporter } from 'nodemailer';
import type { Config } from '../config';
import { claimDue, markFailedAttempt, markSent } from '../queries/outbox.queries';
import { calendarMethod } from './ical.service';

/** What a sent message's status links become in the outbox: a status link opens a request. */
export const MASKED_STATUS_LINK = '/status/[link removed after sending]';

/**
 * The text with every status link masked. The link is in the message only until it is sent:
 * after that the outbox (which a director can read, and a backup keeps) holds no working one.
 */
export function maskStatusLinks(text: string): string {
  return text.replace(/\/status\/[A-Za-z0-9_-]{20,100}/g, MASKED_STATUS_LINK);
}

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 2 * 60_000;
const BATCH = 20;

/** Wait before the next try after `attempts` failures: 30 s, 1 min, 2 min … at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

export interface MailWorker {
  /** Sends what is due now; returns how many were sent. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Delivers the outbox by SMTP: what is due is claimed (so two app instances never send the same
 * message), sent, and marked; a failure is retried with backoff, up to MAX_ATTEMPTS, then left
 * as failed for a director to retry. Pages never wait for the mail server.
 */
export function startMailWorker(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, options: { intervalMs?: number; transport?: Transporter; log?: (msg: string, extra?: object) => void } = {}): MailWorker {
  const transport =
    options.transport ??
    nodemailer.createTransport(config.smtpUrl as string, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
  let running: Promise<number> | undefined;
  let stopped = false;

  /** Sends one claimed message; a failure is put back with backoff, or failed after the last try. */
  const sendOne = async (m: Awaited<ReturnType<typeof claimDue>>[number]): Promise<boolean> => {
    try {
      await transport.sendMail({
        from: config.mailFrom,
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        html: m.html_body,
        attachments: m.ics ? [{ filename: 'leep-meeting.ics', content: m.ics, contentType: `text/calendar; charset=utf-8; method=${calendarMethod(m.ics)}` }] : [],
      });
      await markSent(m.id, new Date().toISOString(), { text_body: maskStatusLinks(m.text_body), html_body: maskStatusLinks(m.html_body), ics: m.ics === null ? null : maskStatusLinks(m.ics) });
      return true;
    } catch (err) {
      const attempts = m.attempts + 1;
      const next = attempts >= MAX_ATTEMPTS ? null : Date.now() + backoffMs(attempts);
      await markFailedAttempt(m.id, (err as Error).message ?? String(err), next);
      options.log?.('mail not sent', { id: m.id, attempts, error: (err as Error).message });
      return false;
    }
  };

  const runOnce = async (): Promise<number> => {
    if (running) return running;
    running = (async () => {
      let sent = 0;
      // Batch after batch until nothing due is left, so that a backlog clears in one run.
      while (true) {
        const batch = await claimDue(Date.now(), LEASE_MS, BATCH);
        for (const m of batch) if (await sendOne(m)) sent += 1;
        if (batch.length < BATCH) return sent;
      }
    })().finally(() => {
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
