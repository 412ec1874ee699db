// Suites that need a service this machine may lack (Chromium, PostgreSQL, nginx). On a laptop
// without it the suite is not registered and a notice says so; under CI=true a failing test stands
// in for it, so that a missing service fails the run instead of shrinking it. The notice is printed
// once per missing service.

/**
 * Declares `describe(title, body)` when `missing` is undefined; otherwise, under CI=true, a suite
 * of one failing test naming what is missing, and elsewhere a notice.
 */
export function describeIfAvailable(title: string, missing: string | undefined, body: () => void): void {
  if (!missing) {
    describe(title, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it('has what it needs, which CI provides', () => {
        throw new Error(`this suite cannot run: ${missing}`);
      });
    });
    return;
  }
  if (noticed.has(missing)) return;
  noticed.add(missing);
  console.log(`\n  Suites not run here (CI runs them): ${missing}.\n`);
}

const noticed = new Set<string>();
