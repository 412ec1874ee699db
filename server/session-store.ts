import type { Request } from 'express';
import session, { SessionData } from 'express-session';
import { StoredSession, deleteExpiredSessions, deleteSession, findSession, saveSession, touchSession } from './queries/session.queries';

/** What was read with a session: its user. */
interface SessionContext {
  user?: StoredSession['user'];
}

// What was read with each session, until express-session hands the session to its request.
const contexts = new WeakMap<SessionData, SessionContext>();

type Callback = (err?: unknown, value?: unknown) => void;

const CONTEXT = Symbol('sessionContext');

/** What was read together with this request's session, if the session was loaded from the store. */
export function sessionContext(req: Request): SessionContext | undefined {
  return (req as Request & { [CONTEXT]?: SessionContext })[CONTEXT];
}

/**
 * Sign-in sessions kept in the `sessions` table of the app's database, so that every app instance
 * sees them and a restart keeps them. Every database failure is handed to express-session's
 * callback (which turns it into an error page), never thrown.
 */
export class DatabaseSessionStore extends session.Store {
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

  /** Whichever comes first: the cookie's end (absolute timeout) or the idle limit since last seen. */
  private expiry(sess: SessionData): number {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires).getTime() : Infinity;
    const idleExpiry = ((sess as { lastSeenAt?: number }).lastSeenAt ?? Date.now()) + this.idleMs;
    return Math.min(cookieExpiry, idleExpiry);
  }

  // The expiry this instance last wrote for a session: express-session touches the store on every
  // request, and most touches would write the same value again.
  private written = new Map<string, number>();

  private remember(sid: string, expiresAt: number): void {
    this.written.delete(sid);
    this.written.set(sid, expiresAt);
    if (this.written.size > 10_000) this.written.delete(this.written.keys().next().value as string);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.run(callback as Callback, async () => {
      const stored = await findSession(sid);
      if (!stored || stored.expiresAt <= Date.now()) return null;
      const sess = JSON.parse(stored.data) as SessionData;
      contexts.set(sess, { user: stored.user });
      return sess;
    });
  }

  /** Hands what was read with the session to the request (see `sessionContext`). */
  override createSession(req: Request, sess: SessionData): session.Session & Partial<SessionData> {
    const context = contexts.get(sess);
    if (context) (req as Request & { [CONTEXT]?: SessionContext })[CONTEXT] = context;
    return super.createSession(req, sess);
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    this.run(callback, async () => {
      const row = {
        sid,
        data: JSON.stringify(sess),
        expires_at: this.expiry(sess),
        // A half-signed-in session belongs to its user too, so that a reset or a deactivation ends it.
        user_id: (sess as { userId?: number }).userId ?? (sess as { mfa?: { userId: number } }).mfa?.userId ?? null,
      };
      await saveSession(row);
      this.remember(sid, row.expires_at);
      await this.cleanupNowAndThen();
    });
  }

  override touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = this.expiry(sess);
    if (this.written.get(sid) === expiresAt) {
      callback?.();
      return;
    }
    this.run(callback, async () => {
      await touchSession(sid, expiresAt);
      this.remember(sid, expiresAt);
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.written.delete(sid);
    this.run(callback, () => deleteSession(sid));
  }

  /** Expired rows are removed at most every ten minutes, by whichever instance writes next. */
  private async cleanupNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < 10 * 60_000) return;
    this.lastCleanup = now;
    await deleteExpiredSessions(now);
  }
}
