import { testApp } from './app';

/** The text of the error alert the sign-in page shows after a refused attempt. */
export function failureText(html: string): string | undefined {
  const m =
    /<div class="usa-alert usa-alert--error[^"]*"[^>]*role="alert"[^>]*>\s*<div class="usa-alert__body">\s*<p class="usa-alert__text">([^<]*)<\/p>/.exec(
      html,
    );
  return m ? m[1].replace(/&#x27;/g, "'").replace(/&amp;/g, '&') : undefined;
}

export const WRONG = 'Not-the-right-password-99';
// Every test comes from an address of its own, so the per-address counts never add up across tests.
export const proxied = () => testApp({ TRUST_PROXY: '1' }).app;

/** The key under which failures for an account are counted (and audited). */
export const accountKey = (email: string) => `account:${email}`;
