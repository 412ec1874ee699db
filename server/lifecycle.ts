/**
 * Whether this process is draining: told to stop, it answers `/healthz` with 503 so that a load
 * balancer takes it out, while it keeps serving what still reaches it for the drain period.
 */
let draining = false;

export function startDraining(): void {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}
