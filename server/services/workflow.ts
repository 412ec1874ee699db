import type { CaseStatus, Role } from '../vocabulary';

/** Who may make a move: a director, any staff member with access to the case, or only the system. */
type Mover = 'director' | 'staff' | 'system';

interface Move {
  to: CaseStatus;
  action: string;
  /** The label of the button that makes the move. */
  label: string;
  who: Mover;
  /** What the form must carry: a reason (decline, withdraw) or a closing summary (complete). */
  needs?: 'reason' | 'summary';
}

/**
 * The only allowed moves (PRODUCT.md, "The case"). `new → assigned` happens by assigning a lead
 * consultant and `assigned → in_progress` by logging the first delivered engagement; the rest
 * are made from the case page.
 */
export const MOVES: Readonly<Record<CaseStatus, readonly Move[]>> = {
  new: [
    { to: 'assigned', action: 'assign', label: 'Assign', who: 'director' },
    { to: 'declined', action: 'decline', label: 'Decline', who: 'director', needs: 'reason' },
    { to: 'withdrawn', action: 'withdraw', label: 'Mark withdrawn', who: 'director', needs: 'reason' },
  ],
  assigned: [
    { to: 'in_progress', action: 'start', label: 'Start', who: 'system' },
    { to: 'withdrawn', action: 'withdraw', label: 'Mark withdrawn', who: 'director', needs: 'reason' },
    { to: 'declined', action: 'decline', label: 'Decline', who: 'director', needs: 'reason' },
  ],
  in_progress: [
    { to: 'on_hold', action: 'hold', label: 'Put on hold', who: 'staff', needs: 'reason' },
    { to: 'completed', action: 'complete', label: 'Complete', who: 'staff', needs: 'summary' },
    { to: 'withdrawn', action: 'withdraw', label: 'Mark withdrawn', who: 'director', needs: 'reason' },
  ],
  on_hold: [{ to: 'in_progress', action: 'resume', label: 'Resume', who: 'staff' }],
  completed: [{ to: 'in_progress', action: 'reopen', label: 'Reopen', who: 'director', needs: 'reason' }],
  declined: [],
  withdrawn: [],
};

/** The move from one status to another, if the status machine has it. */
export function findMove(from: CaseStatus, to: CaseStatus): Move | undefined {
  return MOVES[from]?.find((m) => m.to === to);
}

/** Whether a user of this role may make the move (access to the case is checked separately). */
export function mayMake(move: Move, role: Role): boolean {
  if (move.who === 'system') return false;
  if (move.who === 'director') return role === 'director';
  return true;
}
