import { appConfig } from '../context';
import type { Tx } from '../queries/database.queries';
import { activeDirectorEmails, activeTeamEmails, caseToNotify, hasFeedback, isProgramCase } from '../queries/notification.queries';
import { enqueue, receiptsToAddressSince } from '../queries/outbox.queries';
import { findUserById } from '../queries/user.queries';
import { TRACKS } from '../vocabulary';
import { EngagementMailContext, Message, engagementMessages } from './engagement-mail';
import { renderMail } from './mail-render';
import { openToken } from './tokens';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Whether one more receipt may go to this address: at most `limit` in 24 hours, so that the public
 * form cannot be used to send our mail to strangers. Counted from the outbox inside the
 * submission's transaction, one submission for an address after the other.
 */
async function mayReceiveReceipt(trx: Tx, email: string, limit: number): Promise<boolean> {
  return (await receiptsToAddressSince(trx, String(email), new Date(Date.now() - DAY_MS).toISOString())) < limit;
}

/** The sender's name and address, from MAIL_FROM ("Name <address>" or an address). */
function organizerOf(mailFrom: string): { name: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  return m ? { name: m[1] || 'LEEP', email: m[2] } : { name: 'LEEP', email: mailFrom.trim() };
}

interface RecordedEvent {
  id: number;
  case_id: number;
  kind: string;
  actor_user_id?: number | null;
  before?: unknown;
  after?: unknown;
}

const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** A case as the messages need it: its row and its jurisdiction's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a cases row as knex reads it
export type NotifiedCase = Record<string, any> & { id: number; status: string; track: string; jurisdiction_name: string };

/**
 * The messages an event causes, written to the outbox in the event's own transaction, with the
 * settings of the app the work belongs to (a command has none: it records events and writes no
 * mail). `known` is the case when the caller has just written it (a new request), which saves
 * reading it back.
 */
export async function notifyFor(trx: Tx, event: RecordedEvent, known?: NotifiedCase): Promise<void> {
  const s = appConfig();
  if (!s) return;
  const kase = known ?? (await caseToNotify(event.case_id, trx));
  if (!kase) return;
  // A cohort's case and a year's network events case are the program's own work, opened by a
  // director for the director: no request to acknowledge, no requester to write to.
  if (kase.track !== 'ta' && (await isProgramCase(kase.id, trx))) return;
  const token = openToken(s.secret, kase.status_token_enc);
  const statusUrl = token ? `${s.publicUrl}/status/${token}` : `${s.publicUrl}/ (use the link in your first e-mail from LEEP)`;
  const caseUrl = `${s.publicUrl}/cases/${kase.id}`;
  const common = {
    name: kase.requester_name,
    reference: kase.reference,
    title: kase.title,
    organization: kase.organization_name,
    jurisdiction: kase.jurisdiction_name,
    track: TRACKS[kase.track as keyof typeof TRACKS] ?? kase.track,
    statusUrl,
    caseUrl,
    targetDays: s.responseTargetBusinessDays,
  };
  const userById = async (id: unknown) => (id ? findUserById(Number(id), trx) : undefined);
  const before = obj(event.before);
  const after = obj(event.after);
  const messages: Message[] = [];

  switch (event.kind) {
    case 'case.created': {
      // Only a request starts new; a case opened already assigned is the program's own work.
      if (kase.status !== 'new') break;
      if (await mayReceiveReceipt(trx, kase.requester_email, s.receiptsPerAddressPerDay)) {
        messages.push({
          kind: 'request-received',
          to: kase.requester_email,
          subject: `We received your request ${kase.reference}`,
          data: common,
        });
      }
      for (const to of await activeDirectorEmails(trx))
        messages.push({
          kind: 'request-new',
          to,
          subject: `New request ${kase.reference} from ${kase.jurisdiction_name}`,
          data: common,
        });
      break;
    }
    case 'case.assigned': {
      const leadChanged = before.lead_consultant_id !== after.lead_consultant_id;
      const lead = await userById(after.lead_consultant_id);
      if (leadChanged && lead) {
        messages.push({
          kind: 'consultant-assigned',
          to: lead.email,
          subject: `You are the lead on ${kase.reference}`,
          data: { ...common, consultantName: lead.name },
        });
        messages.push({
          kind: 'requester-assigned',
          to: kase.requester_email,
          subject: `Your LEEP consultant for ${kase.reference}`,
          data: { ...common, consultantName: lead.name },
        });
      }
      // Supporting consultants newly on the case (one who was already on it is not told again).
      const had = new Set(((before.supporting_ids as unknown[]) ?? []).map(Number));
      for (const id of ((after.supporting_ids as unknown[]) ?? []).map(Number)) {
        if (had.has(id)) continue;
        const u = await userById(id);
        if (u?.active)
          messages.push({
            kind: 'supporter-assigned',
            to: u.email,
            subject: `You are supporting ${kase.reference}`,
            data: { ...common, consultantName: u.name, leadName: lead?.name },
          });
      }
      break;
    }
    case 'case.message_sent': {
      const author = await userById(event.actor_user_id);
      messages.push({
        kind: 'message-to-requester',
        to: kase.requester_email,
        subject: `A message about your request ${kase.reference}`,
        data: { ...common, author: author?.name ?? 'A member', body: after.body },
      });
      break;
    }
    case 'case.message_received': {
      const team = await activeTeamEmails(kase.id, kase.lead_consultant_id ?? null, trx);
      for (const to of team.length ? team : await activeDirectorEmails(trx))
        messages.push({
          kind: 'message-from-requester',
          to,
          subject: `${kase.requester_name} wrote about ${kase.reference}`,
          data: { ...common, body: after.body },
        });
      break;
    }
    case 'engagement.added':
    case 'engagement.updated':
    case 'engagement.deleted':
      messages.push(
        ...(await engagementMessages(
          trx,
          { kind: event.kind, before, after },
          {
            kase: kase as unknown as EngagementMailContext['kase'],
            common,
            timeZone: s.timeZone,
            host: new URL(s.publicUrl).host,
            organizer: organizerOf(s.mailFrom),
          },
        )),
      );
      break;
    case 'case.status_changed': {
      if (after.status === 'declined' || after.status === 'withdrawn') {
        const declined = after.status === 'declined';
        const subject = declined ? `Your request ${kase.reference} has been declined` : `Your request ${kase.reference} has been closed`;
        messages.push({
          kind: 'request-closed',
          to: kase.requester_email,
          subject,
          data: { ...common, declined, reason: after.reason ?? 'No reason was given.' },
        });
        break;
      }
      if (after.status !== 'completed') break;
      // Completed again after a reopening: a requester who already answered is not asked twice.
      if (await hasFeedback(kase.id, trx)) break;
      messages.push({
        kind: 'case-completed',
        to: kase.requester_email,
        subject: `Your request ${kase.reference} is complete: how did it go?`,
        data: { ...common, feedbackUrl: token ? `${statusUrl}#feedback` : statusUrl },
      });
      break;
    }
    default:
      break;
  }

  const at = new Date();
  await enqueue(
    trx,
    messages.map((m) => {
      const mail = renderMail(m.kind, m.subject, m.data);
      return {
        kind: m.kind,
        case_id: kase.id,
        to_address: m.to,
        subject: mail.subject,
        text_body: mail.text,
        html_body: mail.html,
        ics: m.ics ?? null,
        next_attempt_at: at.getTime(),
        dedupe_key: `event:${event.id}:${m.kind}:${m.to}`,
        created_at: at.toISOString(),
      };
    }),
  );
}
