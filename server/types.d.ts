import 'express-session';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (epoch ms): the absolute timeout counts from here. */
    createdAt?: number;
    /** The last request (epoch ms): the idle timeout counts from here. */
    lastSeenAt?: number;
    flash?: string;
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
