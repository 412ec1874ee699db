import { topicsOfCase } from '../queries/case.queries';
import { engagementsOfCase } from '../queries/engagement.queries';
import { listJurisdictions, listTopics } from '../queries/reference.queries';
import { listUserNames } from '../queries/user.queries';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS, choices } from '../vocabulary';
import type { Staff } from './case.service';
import { caseOpenForEngagements } from './engagement.service';
import { todayIn } from './time';

/** A case's engagements with the words the case page and the status page show. */
export async function engagementsForPage(kase: { id: number }) {
  const [list, jurisdictions] = await Promise.all([engagementsOfCase(kase.id), listJurisdictions()]);
  const name = new Map(jurisdictions.map((j) => [j.code, j.name]));
  return list.map((e) => ({
    ...e,
    formatLabel: FORMATS[e.format as keyof typeof FORMATS] ?? e.format,
    statusLabel: ENGAGEMENT_STATUSES[e.status as keyof typeof ENGAGEMENT_STATUSES] ?? e.status,
    jurisdictionList: e.jurisdictions.map((c) => name.get(c) ?? c).join(', '),
  }));
}

/**
 * What the engagement form offers: the jurisdictions, topics, active staff, formats and statuses.
 * `facilitatorIds` (an engagement's own) are offered even if since deactivated.
 */
export async function engagementFormOptions(facilitatorIds: number[] = []) {
  const [jurisdictions, topics, users] = await Promise.all([listJurisdictions(), listTopics(), listUserNames()]);
  const staffOptions = users.filter((u) => u.active).map((u) => ({ value: String(u.id), label: u.name }));
  for (const id of facilitatorIds) {
    const gone = users.find((u) => u.id === id && !u.active);
    if (gone) staffOptions.push({ value: String(id), label: `${gone.name} (no longer active)` });
  }
  return {
    jurisdictionOptions: jurisdictions.map((j) => ({ value: j.code, label: j.name })),
    topicOptions: topics.map((t) => ({ value: t.slug, label: t.name })),
    staffOptions,
    formats: choices(FORMATS),
    statuses: choices(ENGAGEMENT_STATUSES),
    jurisdictions,
  };
}

/**
 * The case an engagement is to be added to, if the actor may add one (`caseOpenForEngagements`),
 * and the values the form starts from: today, scheduled, an hour, the case's preferred format,
 * state and topics, and the actor as facilitator.
 */
export async function newEngagementForm(caseId: number, actor: Staff, meta: { path?: string; ip?: string }, timeZone: string) {
  const kase = await caseOpenForEngagements(caseId, actor, meta);
  const topics = await topicsOfCase(kase.id);
  const values = {
    date: todayIn(timeZone),
    status: 'scheduled',
    duration_minutes: '60',
    format: kase.preferred_format in FORMATS ? kase.preferred_format : '',
    consultant_ids: [String(actor.id)],
    jurisdictions: [kase.jurisdiction_code],
    topics: topics.map((t) => t.slug),
  };
  return { kase, values };
}
