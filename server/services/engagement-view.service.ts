import { engagementsOfCase } from '../queries/engagement.queries';
import { listJurisdictions } from '../queries/reference.queries';
import { ENGAGEMENT_STATUSES } from '../schemas/engagement.schemas';
import { FORMATS } from '../vocabulary';

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
