import 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (epoch ms): the absolute timeout counts from here. */
    createdAt?: number;
    /** The last request (epoch ms): the idle timeout counts from here. */
    lastSeenAt?: number;
    flash?: string;
    /**
     * Half signed in: the password was right, the second step (code or passkey, or enrolling a
     * first factor) is still to do. Nothing but the second-step pages is reachable meanwhile.
     */
    mfa?: { userId: number; stage: 'verify' | 'enrol'; startedAt: number; next?: string };
    /** The WebAuthn challenge the browser was last given (registration or sign-in). */
    webauthnChallenge?: string;
    /**
     * A staff form posted after the session had ended: the page to go back to after signing in,
     * where the form was sent, and what was typed in it (kept here, never in a URL).
     */
    keptForm?: { returnTo: string; action: string; fields: Record<string, string | string[]> };
  }
}

declare global {
  namespace Express {
    interface Request {
      user?: { id: number; name: string; email: string; role: 'director' | 'consultant' };
      /** The API token a staff API call came with (set by `requireApiToken`). */
      apiToken?: { id: number; scope: 'read' | 'write' };
      /** This request's id (X-Request-Id), in its log lines and its error page. */
      id: string;
      /** A logger bound to this request's id, method and URL. */
      log: import('pino').Logger;
    }
  }
}
