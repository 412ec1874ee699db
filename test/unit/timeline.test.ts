import assert from 'node:assert/strict';
import { describeEvent, type TimelineEvent } from '../../server/services/timeline';

const NAMES: Record<string, string> = { '7': 'Ada Okafor', '8': 'Ben Ruiz', '9': 'Cleo Park' };
const userName = (id: unknown) => NAMES[String(id)] ?? `user ${String(id)}`;
const AT = '2026-11-23T15:00:00.000Z';

function event(kind: string, e: Partial<TimelineEvent> = {}): TimelineEvent {
  return { kind, actor_kind: 'staff', actor_name: 'Dana Director', created_at: AT, before: null, after: null, ...e };
}

describe('describeEvent', () => {
  it('describeEvent, for each kind of actor, names the requester, the system or the staff member', () => {
    assert.equal(describeEvent(event('case.note_added', { after: { body: 'x' } }), userName).who, 'Dana Director');
    assert.equal(describeEvent(event('case.message_received', { actor_kind: 'requester', actor_name: null }), userName).who, 'Requester');
    assert.equal(describeEvent(event('case.status_changed', { actor_kind: 'system', actor_name: null }), userName).who, 'System');
    assert.equal(describeEvent(event('case.updated', { actor_name: null }), userName).who, 'Staff');
  });

  it('describeEvent, for a case created by a requester or by staff, says submitted or opened', () => {
    assert.equal(
      describeEvent(event('case.created', { actor_kind: 'requester', after: { source: 'web_form' } }), userName).headline,
      'Submitted the request',
    );
    assert.equal(describeEvent(event('case.created', { after: { source: 'api' } }), userName).headline, 'Submitted the request');
    assert.equal(describeEvent(event('case.created', { after: { source: 'staff' } }), userName).headline, 'Opened the case');
  });

  it('describeEvent, for a first assignment, shows the lead and supporters by name, from none', () => {
    const d = describeEvent(
      event('case.assigned', {
        before: { lead_consultant_id: null, supporting_ids: [] },
        after: { lead_consultant_id: 7, supporting_ids: [8, 9] },
      }),
      userName,
    );
    assert.equal(d.headline, 'Changed the assignment');
    assert.deepEqual(d.changes, [
      { field: 'Lead', before: '(none)', after: 'Ada Okafor' },
      { field: 'Supporting', before: '(none)', after: 'Ben Ruiz, Cleo Park' },
    ]);
  });

  it('describeEvent, for a reassignment that keeps the supporters, lists only the lead', () => {
    const d = describeEvent(
      event('case.assigned', {
        before: { lead_consultant_id: 7, supporting_ids: [9] },
        after: { lead_consultant_id: 8, supporting_ids: [9] },
      }),
      userName,
    );
    assert.deepEqual(d.changes, [{ field: 'Lead', before: 'Ada Okafor', after: 'Ben Ruiz' }]);
  });

  it('describeEvent, for a status change with a reason, gives the statuses in words and the reason', () => {
    const d = describeEvent(
      event('case.status_changed', { before: { status: 'in_progress' }, after: { status: 'on_hold', reason: 'Board recess until March' } }),
      userName,
    );
    assert.equal(d.headline, 'Moved the case to On hold');
    assert.deepEqual(d.changes, [{ field: 'Status', before: 'In progress', after: 'On hold' }]);
    assert.equal(d.text, 'Board recess until March');
  });

  it('describeEvent, for a completion, gives the closing summary as its text', () => {
    const d = describeEvent(
      event('case.status_changed', {
        before: { status: 'in_progress' },
        after: { status: 'completed', closing_summary: 'Framework adopted.' },
      }),
      userName,
    );
    assert.equal(d.headline, 'Moved the case to Completed');
    assert.equal(d.text, 'Framework adopted.');
  });

  it('describeEvent, for the move made by the first delivered engagement, says so', () => {
    const d = describeEvent(
      event('case.status_changed', {
        actor_kind: 'system',
        before: { status: 'assigned' },
        after: { status: 'in_progress', via: 'first delivered engagement' },
      }),
      userName,
    );
    assert.equal(d.text, 'After the first delivered engagement');
    assert.deepEqual(d.changes, [{ field: 'Status', before: 'Assigned', after: 'In progress' }]);
  });

  it('describeEvent, for a status change without words, has no text', () => {
    assert.equal(
      describeEvent(event('case.status_changed', { before: { status: 'on_hold' }, after: { status: 'in_progress' } }), userName).text,
      undefined,
    );
  });

  it('describeEvent, for a priority change, gives the priorities in words', () => {
    const d = describeEvent(event('case.priority_changed', { before: { priority: 'normal' }, after: { priority: 'high' } }), userName);
    assert.equal(d.headline, 'Changed the priority');
    assert.deepEqual(d.changes, [{ field: 'Priority', before: 'Normal', after: 'High' }]);
  });

  it('describeEvent, for an edit, lists each changed field with before and after, empty values and lists in words', () => {
    const d = describeEvent(
      event('case.updated', {
        before: { title: 'Old title', outcomes: null, topics: ['equity-lens'], expected_participants: 12 },
        after: { title: 'New title', outcomes: 'A plan', topics: [], expected_participants: null },
      }),
      userName,
    );
    assert.equal(d.headline, 'Edited the request');
    assert.deepEqual(d.changes, [
      { field: 'Title', before: 'Old title', after: 'New title' },
      { field: 'Desired outcomes', before: '(empty)', after: 'A plan' },
      { field: 'Topics', before: 'equity-lens', after: '(none)' },
      { field: 'Expected participants', before: '12', after: '(empty)' },
    ]);
  });

  it('describeEvent, for notes and messages both ways, gives the headline and the text', () => {
    const note = describeEvent(event('case.note_added', { after: { body: 'Call the chair first' } }), userName);
    const sent = describeEvent(event('case.message_sent', { after: { body: 'Here is the agenda' } }), userName);
    const received = describeEvent(
      event('case.message_received', { actor_kind: 'requester', actor_name: null, after: { body: 'Thank you' } }),
      userName,
    );
    assert.deepEqual([note.headline, note.text], ['Added an internal note', 'Call the chair first']);
    assert.deepEqual([sent.headline, sent.text], ['Sent a message to the requester', 'Here is the agenda']);
    assert.deepEqual([received.headline, received.text], ['Sent a message to the team', 'Thank you']);
  });

  it('describeEvent, for a kind it does not know, shows its kind and every field before and after', () => {
    const d = describeEvent(event('case.archived', { before: { date: '2026-01-05' }, after: { reason: 'Entered twice' } }), userName);
    assert.equal(d.headline, 'case.archived');
    assert.deepEqual(d.changes, [
      { field: 'reason', before: '(empty)', after: 'Entered twice' },
      { field: 'date', before: '2026-01-05', after: '(empty)' },
    ]);
  });

  it('describeEvent, for any event, keeps its time', () => {
    assert.equal(describeEvent(event('case.note_added', { after: { body: 'x' } }), userName).at, AT);
  });

  it('describeEvent, for engagements added, changed and deleted, names formats, statuses and facilitators in words', () => {
    const added = describeEvent(
      event('engagement.added', { after: { engagement_id: 3, date: '2026-01-05', format: 'small_group', status: 'scheduled' } }),
      userName,
    );
    assert.equal(added.headline, 'Added an engagement: Small-group facilitation on Jan 5, 2026 (scheduled)');
    const changed = describeEvent(
      event('engagement.updated', {
        before: { engagement_id: 3, status: 'scheduled', consultant_ids: [] },
        after: { engagement_id: 3, status: 'delivered', consultant_ids: [1] },
      }),
      userName,
    );
    assert.deepEqual(changed.changes, [
      { field: 'Status', before: 'Scheduled', after: 'Delivered' },
      { field: 'Facilitators', before: '(none)', after: userName(1) },
    ]);
    const deleted = describeEvent(
      event('engagement.deleted', { before: { engagement_id: 3, date: '2026-01-05', format: 'one_on_one', status: 'cancelled' } }),
      userName,
    );
    assert.equal(deleted.headline, 'Deleted the engagement of Jan 5, 2026 (One-on-one discussion, cancelled)');
  });
});
