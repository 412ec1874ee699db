import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
// Status links (of requests and of cohort applications) carry a secret token: log the route,
// not the token, in the request's URL and in the redirect that hands the link out.
const hideStatusToken = (url: string) => url.replace(/^\/(status|applications)\/[^/?#]+/, '/$1/:token');

/**
 * Gives every request an id (the caller's X-Request-Id when it is a sane one) and logs its end
 * as one JSON line: `error` for a 5xx, `info` for a 4xx, `debug` otherwise. The request's child
 * logger (`req.log`, bound to its id, method and URL) is made only when something uses it, and a
 * line below the configured level costs nothing: most requests of a busy server log nothing.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    let child: Logger | undefined;
    const url = req.originalUrl;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => (child ??= log.child({ req: { id, method: req.method, url: hideStatusToken(url) } })),
    });
    const started = performance.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      if (!log.isLevelEnabled(level)) return;
      // Headers only at debug: at info a 4xx line says what happened, not every header sent.
      const location = res.getHeader('location');
      const shown = typeof location === 'string' ? { location: hideStatusToken(location) } : {};
      const headers = level === 'debug' ? { ...res.getHeaders(), ...shown } : shown;
      req.log[level](
        {
          res: { statusCode: res.statusCode, headers },
          responseTime: Math.round(performance.now() - started),
        },
        res.writableFinished ? 'request completed' : 'request aborted',
      );
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
