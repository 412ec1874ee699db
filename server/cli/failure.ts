import { ConfigError } from '../config';
import { AppError, ValidationError } from '../errors';

/* How a CLI command's failure is told: on standard error, with the exit code it ends with. */

/** The messages of refused input (a ValidationError), or undefined for any other error. */
export function refusal(err: unknown): ValidationError['errors'] | undefined {
  return err instanceof ValidationError ? err.errors : undefined;
}

/** Says what went wrong on standard error; the exit code: 2 for a misuse, 1 for anything else. */
export function reportFailure(err: unknown): number {
  const refused = refusal(err);
  if (refused) {
    for (const e of refused) console.error(`${e.field}: ${e.message}`);
  } else if (err instanceof AppError || err instanceof ConfigError) {
    console.error(err.message);
    if (err instanceof AppError && err.status === 2) return 2;
  } else if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    console.error((err as Error).message);
  } else {
    console.error(err);
  }
  return 1;
}
