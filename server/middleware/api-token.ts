import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { authenticateToken } from '../services/token.service';

/** `Authorization: Bearer <token>` of an active director; anything else answers 401. */
export async function requireApiToken(req: Request, res: Response, next: NextFunction): Promise<void> {
  const header = req.get('authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  const holder = m ? await authenticateToken(m[1]) : undefined;
  if (!holder) {
    res.set('WWW-Authenticate', 'Bearer realm="LEEP TA Tracker"');
    throw new UnauthorizedError('A valid API token is required: send Authorization: Bearer <token>.');
  }
  req.user = holder.user;
  req.apiToken = { id: holder.tokenId, scope: holder.scope };
  next();
}

/** After `requireApiToken`: only a token with the `write` scope may change anything (else 403). */
export function requireWriteScope(req: Request, _res: Response, next: NextFunction): void {
  if (req.apiToken?.scope !== 'write')
    throw new ForbiddenError('This token may only read. A director can make a token with the write scope under Admin → API tokens.');
  next();
}
