import assert from 'node:assert/strict';
import { MOVES, findMove, mayMake } from '../../server/services/workflow';
import { CLOSED_STATUSES, OPEN_STATUSES } from '../../server/vocabulary';
import { STATUSES, type CaseStatus } from '../../server/vocabulary';

const ALL = Object.keys(STATUSES) as CaseStatus[];

// The status diagram of PRODUCT.md ("The case"), written out pair by pair.
const ALLOWED: [CaseStatus, CaseStatus, string, 'director' | 'staff' | 'system'][] = [
  ['new', 'assigned', 'assign', 'director'],
  ['new', 'declined', 'decline', 'director'],
  ['new', 'withdrawn', 'withdraw', 'director'],
  ['assigned', 'in_progress', 'start', 'system'],
  ['assigned', 'withdrawn', 'withdraw', 'director'],
  ['assigned', 'declined', 'decline', 'director'],
  ['in_progress', 'on_hold', 'hold', 'staff'],
  ['on_hold', 'in_progress', 'resume', 'staff'],
  ['in_progress', 'completed', 'complete', 'staff'],
  ['in_progress', 'withdrawn', 'withdraw', 'director'],
  ['completed', 'in_progress', 'reopen', 'director'],
];

// Monday 23 November 2026, 15:00 UTC, and the days around it.

describe('workflow', () => {
  describe('findMove', () => {
    for (const [from, to, action, who] of ALLOWED) {
      it(`findMove, from ${from} to ${to}, gives the ${action} move made by ${who}`, () => {
        const move = findMove(from, to);
        assert.ok(move, `${from} → ${to} is missing`);
        assert.equal(move.to, to);
        assert.equal(move.action, action);
        assert.equal(move.who, who);
      });
    }

    it('findMove, for every pair of statuses not in the diagram, gives nothing', () => {
      const allowed = new Set(ALLOWED.map(([f, t]) => `${f}>${t}`));
      const extra: string[] = [];
      for (const from of ALL) for (const to of ALL) if (!allowed.has(`${from}>${to}`) && findMove(from, to)) extra.push(`${from}>${to}`);
      assert.deepEqual(extra, []);
      assert.equal(ALL.length * ALL.length - allowed.size, 38);
    });

    it('MOVES, counted over all statuses, holds exactly the eleven moves of the diagram', () => {
      const pairs = ALL.flatMap((from) => MOVES[from].map((m) => `${from}>${m.to}`)).sort();
      assert.deepEqual(pairs, ALLOWED.map(([f, t]) => `${f}>${t}`).sort());
    });

    it('MOVES, for the moves that need words, asks a reason to decline, withdraw, hold and reopen and a summary to complete', () => {
      const needs = Object.fromEntries(ALLOWED.map(([f, t]) => [`${f}>${t}`, findMove(f, t)?.needs ?? null]));
      assert.deepEqual(needs, {
        'new>assigned': null,
        'new>declined': 'reason',
        'new>withdrawn': 'reason',
        'assigned>in_progress': null,
        'assigned>withdrawn': 'reason',
        'assigned>declined': 'reason',
        'in_progress>on_hold': 'reason',
        'on_hold>in_progress': null,
        'in_progress>completed': 'summary',
        'in_progress>withdrawn': 'reason',
        'completed>in_progress': 'reason',
      });
    });

    it('the closed statuses, declined, withdrawn and completed, have no way out but reopening a completed case', () => {
      assert.deepEqual([...CLOSED_STATUSES].sort(), ['completed', 'declined', 'withdrawn']);
      assert.deepEqual([...OPEN_STATUSES].sort(), ['assigned', 'in_progress', 'new', 'on_hold']);
      assert.deepEqual(MOVES.declined, []);
      assert.deepEqual(MOVES.withdrawn, []);
      assert.deepEqual(
        MOVES.completed.map((m) => m.to),
        ['in_progress'],
      );
    });
  });

  describe('mayMake', () => {
    it('mayMake, for a director, allows every move but the system one', () => {
      for (const [from, to, , who] of ALLOWED) assert.equal(mayMake(findMove(from, to)!, 'director'), who !== 'system', `${from} → ${to}`);
    });

    it('mayMake, for a consultant, allows only hold, resume and complete', () => {
      const allowed = ALLOWED.filter(([f, t]) => mayMake(findMove(f, t)!, 'consultant')).map(([, , action]) => action);
      assert.deepEqual(allowed.sort(), ['complete', 'hold', 'resume']);
    });
  });
});
