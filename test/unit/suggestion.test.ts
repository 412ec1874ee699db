import assert from 'node:assert/strict';
import type { Candidate } from '../../server/queries/consultant.queries';
import { rankConsultants } from '../../server/services/suggestion.service';

const EQUITY = { id: 1, name: 'Applying an equity lens to policy' };
const GOVERNANCE = { id: 10, name: 'Board governance and leadership' };
const CLIMATE = { id: 5, name: 'School climate and discipline' };
const CASE_TOPICS = [EQUITY, GOVERNANCE];

let nextId = 100;
function candidate(name: string, c: Partial<Candidate> = {}): Candidate {
  nextId += 1;
  return {
    id: nextId,
    name,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@leep.test`,
    role: 'consultant',
    capacity: 5,
    open_cases: 0,
    topic_ids: [],
    jurisdiction_cases: 0,
    ...c,
  };
}

const names = (list: { name: string }[]) => list.map((s) => s.name);

describe('rankConsultants', () => {
  it('rankConsultants, on a fixture where every rule decides once, orders room, expertise, the state, load, then name', () => {
    const fixture = [
      candidate('Avery Full', { capacity: 1, open_cases: 1, topic_ids: [1, 10], jurisdiction_cases: 3 }),
      candidate('Harper None', { topic_ids: [5] }),
      candidate('Devon Busy', { open_cases: 1, topic_ids: [1] }),
      candidate('Zane Idle', { topic_ids: [10] }),
      candidate('Finley Idle', { topic_ids: [1] }),
      candidate('Emery Idle', { topic_ids: [1, 5] }),
      candidate('Casey Local', { open_cases: 1, topic_ids: [10], jurisdiction_cases: 2 }),
      candidate('Blake Expert', { open_cases: 2, topic_ids: [1, 10] }),
    ];
    assert.deepEqual(names(rankConsultants(fixture, CASE_TOPICS, 'Vermont')), [
      'Blake Expert', // two matching topics beat the state and a lighter load
      'Casey Local', // one topic, two earlier Vermont cases: the state beats a lighter load
      'Emery Idle', // one topic, no Vermont cases, no load: then by name
      'Finley Idle',
      'Zane Idle',
      'Devon Busy', // same as the three above, but 1 of 5 open: a heavier load, though first by name
      'Harper None', // no matching topic, but room
      'Avery Full', // the strongest on paper, but at capacity: last
    ]);
  });

  it('rankConsultants, between two at capacity, still orders them by expertise', () => {
    const ranked = rankConsultants(
      [
        candidate('Alex Full', { capacity: 2, open_cases: 2 }),
        candidate('Bo Full', { capacity: 2, open_cases: 3, topic_ids: [1] }),
        candidate('Cy Room', { capacity: 2, open_cases: 1 }),
      ],
      CASE_TOPICS,
      'Ohio',
    );
    assert.deepEqual(names(ranked), ['Cy Room', 'Bo Full', 'Alex Full']);
    assert.deepEqual(
      ranked.map((s) => s.hasRoom),
      [true, false, false],
    );
  });

  it('rankConsultants, with equal topics and states, prefers the lower load relative to capacity, not the fewer cases', () => {
    const ranked = rankConsultants(
      [candidate('Ann Small', { capacity: 2, open_cases: 1 }), candidate('Ben Large', { capacity: 10, open_cases: 3 })],
      CASE_TOPICS,
      'Ohio',
    );
    assert.deepEqual(names(ranked), ['Ben Large', 'Ann Small']); // 3/10 < 1/2
  });

  it('rankConsultants, for a consultant with capacity 0, counts them as having no room and puts them last', () => {
    const ranked = rankConsultants(
      [candidate('Aa Zero', { capacity: 0, topic_ids: [1, 10] }), candidate('Zz Room', { capacity: 1 })],
      CASE_TOPICS,
      'Ohio',
    );
    assert.deepEqual(names(ranked), ['Zz Room', 'Aa Zero']);
    assert.equal(ranked[1].hasRoom, false);
  });

  it('rankConsultants, given directors among the candidates, never suggests them', () => {
    const ranked = rankConsultants(
      [candidate('Dee Director', { role: 'director', topic_ids: [1, 10] }), candidate('Con Sultant')],
      CASE_TOPICS,
      'Ohio',
    );
    assert.deepEqual(names(ranked), ['Con Sultant']);
  });

  it('rankConsultants, with no candidates, gives an empty list', () => {
    assert.deepEqual(rankConsultants([], CASE_TOPICS, 'Ohio'), []);
  });

  it('rankConsultants, for each suggestion, gives its matching topics and its reasons in words', () => {
    const [local, none, full] = rankConsultants(
      [
        candidate('A Local', { open_cases: 1, topic_ids: [1, 10, 5], jurisdiction_cases: 1 }),
        candidate('B None', { topic_ids: [5] }),
        candidate('C Full', { capacity: 3, open_cases: 3, jurisdiction_cases: 4, topic_ids: [10] }),
      ],
      [EQUITY, GOVERNANCE, { id: 7, name: 'Early learning' }],
      'Vermont',
    );
    assert.deepEqual(local.matches, [EQUITY.name, GOVERNANCE.name]);
    assert.deepEqual(local.reasons, [
      `Expertise in ${EQUITY.name}, ${GOVERNANCE.name}`,
      'Worked with Vermont on 1 earlier case',
      '1 of 5 open cases',
    ]);
    assert.deepEqual(none.reasons, ['No matching expertise', 'No earlier work with Vermont', '0 of 5 open cases']);
    assert.deepEqual(full.reasons, [
      `Expertise in ${GOVERNANCE.name}`,
      'Worked with Vermont on 4 earlier cases',
      '3 of 3 open cases (at capacity)',
    ]);
    assert.deepEqual(
      { id: full.id, openCases: full.openCases, capacity: full.capacity, jurisdictionCases: full.jurisdictionCases, hasRoom: full.hasRoom },
      { id: full.id, openCases: 3, capacity: 3, jurisdictionCases: 4, hasRoom: false },
    );
  });

  it('rankConsultants, with a topic outside the case, does not count it as a match', () => {
    const [first] = rankConsultants([candidate('Only Climate', { topic_ids: [CLIMATE.id] })], CASE_TOPICS, 'Ohio');
    assert.deepEqual(first.matches, []);
  });

  it('rankConsultants, given the candidates in any order, gives the same ranking', () => {
    const fixture = [
      candidate('P', { topic_ids: [1] }),
      candidate('Q', { topic_ids: [1, 10] }),
      candidate('R', { jurisdiction_cases: 1 }),
      candidate('S', { open_cases: 5 }),
      candidate('T'),
    ];
    const expected = ['Q', 'P', 'R', 'T', 'S'];
    assert.deepEqual(names(rankConsultants([...fixture], CASE_TOPICS, 'Ohio')), expected);
    assert.deepEqual(names(rankConsultants([...fixture].reverse(), CASE_TOPICS, 'Ohio')), expected);
  });
});
