import assert from 'node:assert/strict';
import type { testApp } from './app';
import { attemptSignIn, cookiesSetBy } from './auth';

export const MINUTE = 60_000;

/** Signs in with a plain (cookie-less) flow and returns the session cookie as a Cookie header. */
export async function signedInCookie(app: ReturnType<typeof testApp>['app'], user: { email: string; password: string }): Promise<string> {
  const { res } = await attemptSignIn(app, user.email, user.password);
  assert.equal(res.status, 303);
  const cookie = cookiesSetBy(res).get('leep.sid');
  assert.ok(cookie, 'a session cookie at sign-in');
  return `leep.sid=${cookie.value}`;
}

/** True when the page is the sign-in form. */
export const isSignInForm = (html: string) => /<form class="usa-form" method="post" action="\/login"/.test(html);
