import session, { SessionData } from 'express-session';
import { db } from './db';

type Callback = (err?: unknown, value?: unknown) => void;

/**
 * Sign-in sessions kept in the `sessions` table through the app's one knex instance, so that
 * every app instance sees them and a restart keeps them. Every database failure is handed to
 * express-session's callback (which turns it into an error page), never thrown.
 */
export class KnexSessionStore extends session.Store {
  private lastCleanup = 0;

  constructor(private readonly idleMs: number) {
    super();
  }

  private run(callback: Callback | undefined, work: () => Promise<unknown>): void {
    work().then(
      (value) => callback?.(null, value),
      (err) => callback?.(err),
    );
  }

  private expiry(sess: SessionData): number {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : NaN;
    return Number.isFinite(cookieExpiry) ? cookieExpiry : Date.now() + this.idleMs;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(callback as Callback, async () => {
      const row = await db('sessions').where({ sid }).first('data', 'expires_at');
      if (!row || Number(row.expires_at) <= Date.now()) return null;
      return JSON.parse(row.data) as SessionData;
    });
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.run(callback, async () => {
      const row = {
        sid,
        data: JSON.stringify(sess),
        expires_at: this.expiry(sess),
        user_id: (sess as { userId?: number }).userId ?? null,
      };
      await db('sessions').insert(row).onConflict('sid').merge(['data', 'expires_at', 'user_id']);
      await this.cleanupNowAndThen();
    });
  }

  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.run(callback, () => db('sessions').where({ sid }).update({ expires_at: this.expiry(sess) }));
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.run(callback, () => db('sessions').where({ sid }).delete());
  }

  /** Expired rows are removed at most every ten minutes, by whichever instance writes next. */
  private async cleanupNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = now;
    await db('sessions').where('expires_at', '<', now).delete();
  }
}
