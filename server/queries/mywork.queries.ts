import { Queryable, reads } from '../db';
import { num } from '../values';
import { OPEN_STATUSES } from '../vocabulary';
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

interface MyEngagementRow {
  id: number;
  case_id: number;
  date: string;
  start_time: string | null;
  duration_minutes: number;
  format: string;
  status: string;
  reference: string;
  title: string;
  jurisdiction_name: string;
}

interface MyCaseRow {
  id: number;
  reference: string;
  title: string;
  status: string;
  deadline: string | null;
  lead_consultant_id: number | null;
  jurisdiction_name: string;
}

/** Scheduled engagements on the user's cases or facilitated by the user, on or after / before a date. */
export async function scheduledEngagements(
  userId: number,
  today: string,
  when: 'upcoming' | 'overdue',
  q: Queryable = reads,
): Promise<MyEngagementRow[]> {
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
  return (await query) as MyEngagementRow[];
}

/** Open cases the user leads or supports. */
export async function openCasesOf(userId: number, q: Queryable = reads): Promise<MyCaseRow[]> {
  return (await whereOnCase(
    q('cases').join('jurisdictions', 'jurisdictions.code', 'cases.jurisdiction_code').whereIn('cases.status', OPEN_STATUSES),
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
    )) as MyCaseRow[];
}

/** Minutes of delivered engagements the user facilitated in a year, and in one month of it. */
export async function deliveredMinutes(
  userId: number,
  year: number,
  month: number,
  q: Queryable = reads,
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
