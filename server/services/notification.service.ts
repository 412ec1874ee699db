import type { Knex } from 'knex';
import type { Config } from '../config';
import { enqueue } from '../queries/outbox.queries';
import { lockForTransaction } from '../db';
import { TRACKS } from '../vocabulary';
import { EngagementMailContext, Message, engagementMessages } from './engagement-mail';
import { renderMail } from './mail-render';
import { openToken } from './tokens';

type Settings = Pick<Config, 'publicUrl' | 'secret' | 'timeZone' | 'responseTargetBusinessDays' | 'mailFrom' | 'receiptsPerAddressPerDay'>;
let settings: Settings | undefined;

/**
 * Turns notifications on for this process (the app does it at start). Without it — in the
 * command line's import, for example — events are recorded and no mail is written.
 */
export function configureNotifications(config: Settings | undefined): void {
  settings = config;
}

/** The settings notifications run with now (tests put them back after changing them). */
export function notificationSettings(): Settings | undefined {
  return settings;
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Whether one more receipt may go to this address: at most `limit` in 24 hours, so that the public
 * form cannot be used to send our mail to strangers. Counted from the outbox inside the
 * submission's transaction; the lock makes two submissions for one address count in turn.
 */
async function mayReceiveReceipt(trx: Knex.Transaction, email: string, limit: number): Promise<boolean> {
  const address = String(email).toLowerCase();
  await lockForTransaction(trx, `receipts:${address}`);
  const since = new Date(Date.now() - DAY_MS).toISOString();
  const [{ n }] = await trx('outbox')
    .where('kind', 'request-received')
    .andWhere('created_at', '>=', since)
    .andWhereRaw('lower(to_address) = ?', [address])
    .count({ n: '*' });
  return Number(n) < limit;
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
 * The messages an event causes, written to the outbox in the event's own transaction. `known` is
 * the case when the caller has just written it (a new request), which saves reading it back.
 */
export async function notifyFor(trx: Knex.Transaction, event: RecordedEvent, known?: NotifiedCase): Promise<void> {
  if (!settings) return;
  const s = settings;
  const kase =
    known ??
    (await trx('cases as c')
      .join('jurisdictions as j', 'j.code', 'c.jurisdiction_code')
      .where('c.id', event.case_id)
      .first('c.*', 'j.name as jurisdiction_name'));
  if (!kase) return;
  // A cohort's case and a year's network events case are the program's own work, opened by a
  // director for the director: no request to acknowledge, no requester to write to.
  if (await isProgramCase(trx, kase)) return;
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
  const userById = async (id: unknown) =>
    id
      ? trx('users')
          .where({ id: Number(id) })
          .first('id', 'name', 'email', 'active')
      : undefined;
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
      const directors = await trx('users').where({ role: 'director', active: true }).select('email');
      for (const d of directors)
        messages.push({
          kind: 'request-new',
          to: d.email,
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
      const team = await trx('users')
        .where('active', true)
        .andWhere((w) =>
          w.where('id', kase.lead_consultant_id ?? 0).orWhereIn('id', trx('case_supporters').where({ case_id: kase.id }).select('user_id')),
        )
        .select('email');
      const recipients = team.length ? team : await trx('users').where({ role: 'director', active: true }).select('email');
      for (const r of recipients)
        messages.push({
          kind: 'message-from-requester',
          to: r.email,
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
      if (await trx('feedback').where({ case_id: kase.id }).first('id')) break;
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

async function isProgramCase(trx: Knex.Transaction, kase: { id: number; status: string; track: string }): Promise<boolean> {
  if (kase.track === 'ta') return false;
  const [cohort, events] = await Promise.all([
    trx('cohorts').where({ case_id: kase.id }).first('id'),
    trx('network_event_cases').where({ case_id: kase.id }).first('id'),
  ]);
  return Boolean(cohort || events);
}
