import { Queryable, db } from '../db';
import { num } from '../values';
import { whereOnCase } from './case-list.queries';

const ENGAGEMENT_COLUMNS = [
  'engagements.id',
  'engagements.case_id',
  'engagements.date',
  'engagements.start_time',
  'engagements.duration_minutes',
  'engagements.format',
  'engagements.status',
  'cases.reference',
  'cases.title',
  'jurisdictions.name as jurisdiction_name',
];

/** Scheduled engagements on the user's cases or facilitated by the user, on or after / before a date. */
export async function scheduledEngagements(userId: number, today: string, when: 'upcoming' | 'overdue', q: Queryable = db) {
  const query = q('engagements')
    .join('cases', 'cases.id', 'engagements.case_id')
    .join('jurisdictions', 'jurisdictions.code', 'cases.jurisdiction_code')
    .where('engagements.status', 'scheduled')
    .where((w) => {
      w.whereExists(function () {
        this.select(q.raw('1'))
          .from('engagement_consultants')
          .whereRaw('engagement_consultants.engagement_id = engagements.id')
          .andWhere('engagement_consultants.user_id', userId);
      }).orWhere((inner) => whereOnCase(inner, userId));
    })
    .select(ENGAGEMENT_COLUMNS)
    .limit(50);
  if (when === 'upcoming')
    query.where('engagements.date', '>=', today).orderBy('engagements.date', 'asc').orderBy('engagements.start_time', 'asc');
  else query.where('engagements.date', '<', today).orderBy('engagements.date', 'asc');
  return query;
}

/** Open cases the user leads or supports. */
export async function openCasesOf(userId: number, q: Queryable = db) {
  return whereOnCase(
    q('cases')
      .join('jurisdictions', 'jurisdictions.code', 'cases.jurisdiction_code')
      .whereIn('cases.status', ['new', 'assigned', 'in_progress', 'on_hold']),
    userId,
  )
    .orderBy('cases.deadline', 'asc')
    .orderBy('cases.submitted_at', 'asc')
    .select(
      'cases.id',
      'cases.reference',
      'cases.title',
      'cases.status',
      'cases.deadline',
      'cases.lead_consultant_id',
      'jurisdictions.name as jurisdiction_name',
    );
}

/** Minutes of delivered engagements the user facilitated in a year, and in one month of it. */
export async function deliveredMinutes(
  userId: number,
  year: number,
  month: number,
  q: Queryable = db,
): Promise<{ year: number; month: number }> {
  const base = () =>
    q('engagements')
      .join('engagement_consultants', 'engagement_consultants.engagement_id', 'engagements.id')
      .where({ 'engagement_consultants.user_id': userId, 'engagements.status': 'delivered', 'engagements.year': year });
  const [[y], [m]] = await Promise.all([
    base().sum({ minutes: 'engagements.duration_minutes' }),
    base().andWhere('engagements.month', month).sum({ minutes: 'engagements.duration_minutes' }),
  ]);
  return { year: num(y.minutes), month: num(m.minutes) };
}
