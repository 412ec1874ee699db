/**
 * What a person can type into a text field, beyond what a JSON schema says (issue 16, finding 13):
 * no control characters (BEL, ESC, CR/LF in a one-line field…), no characters that reverse the
 * direction of the text around them (U+202A-202E, U+2066-2069: a name that reads differently from
 * how it is stored), and at least one visible character (not only spaces or zero-width ones).
 */

// C0 and C1 controls, DEL, and the line and paragraph separators.
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;
// A long text keeps its line breaks and tabs.
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/u;
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/u;
// Spaces, controls, format characters (zero-width space and joiners, marks, BOM), the Hangul and
// Braille blanks and variation selectors: none of them shows anything on its own.
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u2800\u3164\uFFA0\uFE00-\uFE0F]/gu;

/** Fields up to this length are one line of text (names, titles, roles); longer ones may have lines. */
export const SINGLE_LINE_MAX = 300;

type TextProblem = 'control' | 'bidi' | 'invisible';

/** What is wrong with a text value, or undefined. Passwords are never given to this. */
export function textProblem(value: string, singleLine: boolean): TextProblem | undefined {
  if ((singleLine ? CONTROL_SINGLE_LINE : CONTROL_MULTI_LINE).test(value)) return 'control';
  if (singleLine && BIDI_OVERRIDE.test(value)) return 'bidi';
  if (value.length > 0 && value.replace(INVISIBLE, '') === '') return 'invisible';
  return undefined;
}

/** The message for a text problem, with the field's label. */
export function textProblemMessage(problem: TextProblem, label: string): string {
  if (problem === 'invisible') return `Enter ${label.charAt(0).toLowerCase()}${label.slice(1)} with at least one letter, digit or sign`;
  if (problem === 'bidi') return `${label} must not contain characters that change the direction of the text`;
  return `${label} must not contain control characters such as line breaks or escape codes`;
}
