import assert from 'node:assert/strict';
import { courseProgress } from '../../server/services/cohort-progress';

const meetings = (...statuses: string[]) => statuses.map((status, i) => ({ id: i + 1, status }));
const present = (application_id: number, ...meetingIds: number[]) =>
  meetingIds.map((meeting_id) => ({ meeting_id, application_id, status: 'present' }));

describe('courseProgress', () => {
  it('courseProgress, for a participant present at every meeting with every assignment done, says the course is completed', () => {
    const p = courseProgress(
      meetings('delivered', 'delivered'),
      [{ id: 7 }],
      present(7, 1, 2),
      [{ id: 1 }],
      [{ assignment_id: 1, application_id: 7 }],
    ).get(7);
    assert.deepEqual([p?.attended, p?.meetings, p?.completedAssignments, p?.assignments, p?.completedCourse], [2, 2, 1, 1, true]);
  });

  it('courseProgress, for a participant excused or absent at one meeting, says the course is not completed', () => {
    const attendance = [
      ...present(7, 1),
      { meeting_id: 2, application_id: 7, status: 'excused' },
      ...present(8, 2),
      { meeting_id: 1, application_id: 8, status: 'absent' },
    ];
    const map = courseProgress(meetings('delivered', 'delivered'), [{ id: 7 }, { id: 8 }], attendance, [], []);
    assert.deepEqual(
      [map.get(7)?.attended, map.get(7)?.completedCourse, map.get(8)?.attended, map.get(8)?.completedCourse],
      [1, false, 1, false],
    );
  });

  it('courseProgress, with a meeting still scheduled, counts it, so that nobody has completed the course yet', () => {
    const p = courseProgress(meetings('delivered', 'scheduled'), [{ id: 7 }], present(7, 1), [], []).get(7);
    assert.deepEqual([p?.attended, p?.meetings, p?.completedCourse], [1, 2, false]);
  });

  it('courseProgress, with a cancelled meeting, leaves it out of the meetings to attend', () => {
    const p = courseProgress(meetings('delivered', 'cancelled'), [{ id: 7 }], present(7, 1), [], []).get(7);
    assert.deepEqual([p?.attended, p?.meetings, p?.completedCourse], [1, 1, true]);
  });

  it('courseProgress, with a present mark on a meeting that is not delivered, does not count it as attended', () => {
    const p = courseProgress(meetings('scheduled'), [{ id: 7 }], present(7, 1), [], []).get(7);
    assert.deepEqual([p?.attended, p?.completedCourse], [0, false]);
  });

  it('courseProgress, for a cohort without meetings, says nobody completed the course', () => {
    assert.equal(courseProgress([], [{ id: 7 }], [], [], []).get(7)?.completedCourse, false);
  });

  it('courseProgress, with one assignment missing, says the course is not completed, and ignores completions of other assignments', () => {
    const p = courseProgress(
      meetings('delivered'),
      [{ id: 7 }],
      present(7, 1),
      [{ id: 1 }, { id: 2 }],
      [
        { assignment_id: 1, application_id: 7 },
        { assignment_id: 99, application_id: 7 },
      ],
    ).get(7);
    assert.deepEqual([p?.completedAssignments, p?.assignments, p?.completedCourse], [1, 2, false]);
  });

  it('courseProgress, for each participant, keeps their own mark at each meeting', () => {
    const map = courseProgress(
      meetings('delivered'),
      [{ id: 7 }, { id: 8 }],
      [...present(7, 1), { meeting_id: 1, application_id: 8, status: 'absent' }],
      [],
      [],
    );
    assert.deepEqual([map.get(7)?.marks.get(1), map.get(8)?.marks.get(1)], ['present', 'absent']);
  });
});
