import 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (epoch ms): the absolute timeout counts from here. */
    createdAt?: number;
    /** The last request (epoch ms): the idle timeout counts from here. */
    lastSeenAt?: number;
    flash?: string;
    /** A new API token, shown once on the next page and then forgotten. */
    newApiToken?: string;
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
      /** This request's id (X-Request-Id), in its log lines and its error page. */
      id: string;
      /** A logger bound to this request's id, method and URL. */
      log: import('pino').Logger;
    }
  }
}
