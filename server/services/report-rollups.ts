import { type Tx, transaction } from '../queries/database.queries';
import {
  addToRollups,
  countDerivedRows,
  currentMarks,
  keptMarks,
  lockRollups,
  rebuildRollups,
  recountCaseLists,
  recountCell,
  recountYear,
  replaceMarks,
} from '../queries/report-rollup.queries';
import { currentFeedbackMarks, keptFeedbackMarks, recountFeedbackYear, replaceFeedbackMarks } from '../queries/feedback-rollup.queries';

/**
 * Keeps the report roll-ups in step with the engagements of these cases, in the caller's
 * transaction: the one hook every engagement change goes through (noteEngagementChange, the
 * import). A delivered engagement the roll-ups do not hold yet (a new one, the common change)
 * has what it counts added to its rows. One whose signature (what it adds to the figures) moved,
 * or that went, has its old and new (month, track) cells counted again from the raw rows, and
 * their calendar years summed again from the months (after the additions, so a cell counted again
 * is right whatever was added to it); the roll-ups equal a rebuild by construction. Unchanged
 * engagements cost one comparison. The formats and consultants of each case's delivered
 * engagements (for the feedback figures) are listed again. Changes made at the same moment take
 * their turn here (lockRollups), so each recount sees the others' committed rows.
 */
export async function refreshReportRollups(trx: Tx, caseIds: number[]): Promise<void> {
  const cases = [...new Set(caseIds)];
  if (!cases.length) return;
  await lockRollups(trx);
  const cells = new Map<string, { month: string; track: string }>();
  const changed: number[] = [];
  const added: number[] = [];
  const fresh = [];
  for (let i = 0; i < cases.length; i += 500) {
    const chunk = cases.slice(i, i + 500);
    await recountCaseLists(trx, chunk);
    const [now, kept] = await Promise.all([currentMarks(trx, chunk), keptMarks(trx, chunk)]);
    const before = new Map(kept.map((m) => [m.engagement_id, m]));
    for (const mark of now) {
      const old = before.get(mark.engagement_id);
      before.delete(mark.engagement_id);
      if (old && old.signature === mark.signature) continue;
      if (old) {
        cells.set(`${old.month}|${old.track}`, old);
        cells.set(`${mark.month}|${mark.track}`, mark);
      } else added.push(mark.engagement_id);
      changed.push(mark.engagement_id);
      fresh.push(mark);
    }
    // Kept but no longer delivered (deleted, cancelled, rescheduled): its cells lose it.
    for (const old of before.values()) {
      cells.set(`${old.month}|${old.track}`, old);
      changed.push(old.engagement_id);
    }
  }
  await recountFeedbackYears(trx, cases);
  if (!changed.length) return;
  await addToRollups(trx, added);
  for (const { month, track } of cells.values()) await recountCell(trx, month, track);
  // The year rows of the months just counted, summed again from them.
  const years = new Map(
    [...cells.values()].map(({ month, track }) => [`${month.slice(0, 4)}|${track}`, { year: Number(month.slice(0, 4)), track }]),
  );
  for (const { year, track } of years.values()) await recountYear(trx, year, track);
  await replaceMarks(trx, changed, fresh);
}

/**
 * Keeps the feedback figures by year (report_feedback_years) in step with these cases, in the
 * caller's transaction: called by every change that can move what a case counts there (completed
 * or reopened, feedback received, and through refreshReportRollups every change of its engagements,
 * whose formats and consultants it counts under, and of its track). A case that is not completed,
 * and was not, costs two lookups and does not wait for the roll-ups' lock (a decline, a case put on
 * hold); otherwise the lock is taken and the cases counted again under it, so that their marks
 * include what a change that held it just committed.
 */
export async function refreshFeedbackYears(trx: Tx, caseIds: number[]): Promise<void> {
  for (let i = 0; i < caseIds.length; i += 500) {
    const [now, kept] = await feedbackMarks(trx, caseIds.slice(i, i + 500));
    if (!now.length && !kept.length) continue;
    await lockRollups(trx);
    return recountFeedbackYears(trx, caseIds.slice(i));
  }
}

const feedbackMarks = (trx: Tx, chunk: number[]) => Promise.all([currentFeedbackMarks(trx, chunk), keptFeedbackMarks(trx, chunk)]);

/** Under the roll-ups' lock: the (year, track) cells each case was counted in and is counted in now are counted again from the raw rows. */
async function recountFeedbackYears(trx: Tx, caseIds: number[]): Promise<void> {
  for (let i = 0; i < caseIds.length; i += 500) {
    const chunk = caseIds.slice(i, i + 500);
    const [now, kept] = await feedbackMarks(trx, chunk);
    if (!now.length && !kept.length) continue;
    const cells = new Map([...kept, ...now].map((m) => [`${m.calendar_year}|${m.track}`, m]));
    for (const { calendar_year, track } of cells.values()) await recountFeedbackYear(trx, calendar_year, track);
    await replaceFeedbackMarks(trx, chunk, now);
  }
}

/** Makes every roll-up again from the raw rows, in one transaction (readers see the old ones until it commits). */
export async function rebuildReportRollups(): Promise<{ rollups: number; engagements: number }> {
  return transaction(async (trx) => {
    await rebuildRollups(trx);
    return countDerivedRows(trx);
  });
}
