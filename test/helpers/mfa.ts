import { generateSync } from 'otplib';
import type { Express } from 'express';
import { csrfTokenOf, encodeForm } from './app';
import { Agent, agentFrom, attemptSignIn, cookiesSetBy, sessionIdOf } from './auth';
import type { Config } from '../../server/config';
import { MfaContext, confirmTotp, totpSetup } from '../../server/services/mfa.service';

const mfaContext = (config: Readonly<Config>): MfaContext => ({
  secret: config.secret,
  required: config.mfaRequired,
  issuer: 'LEEP TA Tracker',
});

/** The code an authenticator app shows for a key, `offsetSeconds` from now. */
export function codeFor(secret: string, offsetSeconds = 0): string {
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSeconds });
}

/**
 * Sets up and confirms an authenticator app for a user, as the account page does, with a code of a
 * minute ago (so that the codes of now are still unused). Returns the key and the recovery codes.
 */
export async function enrolTotp(config: Readonly<Config>, userId: number): Promise<{ secret: string; recoveryCodes: string[] }> {
  const ctx = mfaContext(config);
  const { secret } = await totpSetup(ctx, userId);
  const then = Date.now() - 60_000;
  const codes = await confirmTotp(ctx, userId, generateSync({ secret, epoch: Math.floor(then / 1000) }), '127.0.0.1', then);
  return { secret, recoveryCodes: codes ?? [] };
}

/** The session id the answer's cookie holds (undefined when it sets none). */
export function sidSetBy(res: { headers: Record<string, unknown> }): string | undefined {
  const cookie = cookiesSetBy(res as never).get('leep.sid');
  return cookie ? sessionIdOf(cookie.value) : undefined;
}

/** Posts the second-step form with a code, from the agent's half-signed-in session. */
export async function postCode(agent: Agent, code: string, path = '/login/verify') {
  const page = await agent.get(path);
  if (page.status !== 200) throw new Error(`${path} answered ${page.status}`);
  return agent
    .post(path)
    .type('form')
    .send(encodeForm({ _csrf: csrfTokenOf(page.text), code }));
}

/** Password then code: an agent fully signed in (throws otherwise). */
export async function signInWithCode(
  app: Express,
  user: { email: string; password: string },
  code: string,
  address?: string,
): Promise<Agent> {
  const { res, agent } = await attemptSignIn(app, user.email, user.password, { address, agent: agentFrom(app, address) });
  if (res.status !== 303 || res.headers.location !== '/login/verify')
    throw new Error(`password step answered ${res.status} ${res.headers.location}`);
  const done = await postCode(agent, code);
  if (done.status !== 303) throw new Error(`second step answered ${done.status}: ${done.text.slice(0, 300)}`);
  return agent;
}
