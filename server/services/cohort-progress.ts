/** Who attended what and who completed the course: pure, so that it is tested on its own. */

interface Progress {
  /** The meetings that count (not cancelled). */
  meetings: number;
  /** Of those, the delivered ones the participant was marked present at. */
  attended: number;
  assignments: number;
  completedAssignments: number;
  /** Present at every meeting (at least one) and every assignment completed. */
  completedCourse: boolean;
  /** The participant's mark at each meeting, by meeting id (none until attendance is taken). */
  marks: Map<number, string>;
  /** The assignments the participant completed, by id. */
  done: Set<number>;
}

/**
 * Each roster participant's progress. A participant has completed the course when they were
 * present at every meeting that was not cancelled, and completed every assignment.
 */
export function courseProgress(
  meetings: { id: number; status: string }[],
  roster: { id: number }[],
  attendance: { meeting_id: number; application_id: number; status: string }[],
  assignments: { id: number }[],
  completions: { assignment_id: number; application_id: number }[],
): Map<number, Progress> {
  const counted = meetings.filter((m) => m.status !== 'cancelled');
  const delivered = new Set(counted.filter((m) => m.status === 'delivered').map((m) => m.id));
  const assignmentIds = new Set(assignments.map((a) => a.id));
  const out = new Map<number, Progress>();
  for (const person of roster) {
    const marks = new Map(attendance.filter((a) => a.application_id === person.id).map((a) => [a.meeting_id, a.status]));
    const done = new Set(
      completions.filter((c) => c.application_id === person.id && assignmentIds.has(c.assignment_id)).map((c) => c.assignment_id),
    );
    const attended = counted.filter((m) => delivered.has(m.id) && marks.get(m.id) === 'present').length;
    out.set(person.id, {
      meetings: counted.length,
      attended,
      assignments: assignmentIds.size,
      completedAssignments: done.size,
      completedCourse: counted.length > 0 && attended === counted.length && done.size === assignmentIds.size,
      marks,
      done,
    });
  }
  return out;
}
