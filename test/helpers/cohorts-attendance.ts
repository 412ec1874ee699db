import type { TestUser } from './auth';
import { Fields, daysFromToday } from './programs';
import { makeCohort } from './programs-cohorts';
import { TestApplication, applyTo, decideAs } from './programs-applications';

export type Mark = 'present' | 'excused' | 'absent';

/** A cohort of three past meetings with four selected participants and one waitlisted applicant. */
export async function cohortWithRoster(knex: Parameters<typeof makeCohort>[0], director: TestUser) {
  const cohort = await makeCohort(knex, {
    director,
    meetings: [
      { date: daysFromToday(-10), start_time: '10:00', duration_minutes: 120 },
      { date: daysFromToday(-5), duration_minutes: 90, mode: 'in_person', place: 'Chicago' },
      { date: daysFromToday(-1), duration_minutes: 60 },
    ],
  });
  const p1 = await applyTo(cohort.id, { name: 'Pat One', jurisdiction: 'OH' });
  const p2 = await applyTo(cohort.id, { name: 'Pat Two', jurisdiction: 'OH' });
  const p3 = await applyTo(cohort.id, { name: 'Pat Three', jurisdiction: 'KY' });
  const p4 = await applyTo(cohort.id, { name: 'Pat Four', jurisdiction: 'NM' });
  const q = await applyTo(cohort.id, { name: 'Quinn Waiting', jurisdiction: 'TX' });
  for (const p of [p1, p2, p3, p4]) await decideAs(director, cohort.id, p.id, 'selected');
  await decideAs(director, cohort.id, q.id, 'waitlisted');
  return { cohort, p: [p1, p2, p3, p4] as TestApplication[], q };
}

/** The attendance form: summary notes and a mark (or none) for each participant. */
export const attendanceForm = (
  marks: [TestApplication, Mark | undefined][],
  summary = 'Read and discussed the first case study.',
): Fields => ({
  summary,
  ...Object.fromEntries(marks.map(([p, m]) => [`attendance_${p.id}`, m])),
});
