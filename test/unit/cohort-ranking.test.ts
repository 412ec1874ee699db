import assert from 'node:assert/strict';
import { rankApplications, shownMean } from '../../server/services/application-ranking';

const app = (id: number, submitted = `2027-01-0${id}T12:00:00.000Z`) => ({ id, submitted_at: submitted });
const review = (application_id: number, e: number, o: number, l: number) => ({
  application_id,
  equity_score: e,
  openness_score: o,
  leadership_score: l,
});

describe('rankApplications', () => {
  it('rankApplications, with different means, orders the highest mean first and numbers the ranks 1, 2, 3', () => {
    const ranked = rankApplications([app(1), app(2), app(3)], [review(1, 2, 2, 2), review(2, 5, 5, 4), review(3, 3, 4, 4)]);
    assert.deepEqual(
      ranked.map((r) => [r.id, r.rank, r.reviews, r.total]),
      [
        [2, 1, 1, 14],
        [3, 2, 1, 11],
        [1, 3, 1, 6],
      ],
    );
  });

  it('rankApplications, with equal means from different numbers of reviews, puts the one with more reviews first and gives both the same rank', () => {
    const ranked = rankApplications(
      [app(1), app(2), app(3)],
      [review(1, 4, 4, 4), review(2, 4, 4, 4), review(2, 4, 4, 4), review(3, 1, 1, 1)],
    );
    assert.deepEqual(
      ranked.map((r) => [r.id, r.rank]),
      [
        [2, 1],
        [1, 1],
        [3, 3],
      ],
    );
  });

  it('rankApplications, with means equal only as fractions (7/3 from one review, 14/6 from two), treats them as equal, with no floating-point error', () => {
    const ranked = rankApplications([app(1), app(2)], [review(1, 2, 2, 3), review(2, 2, 2, 3), review(2, 3, 2, 2)]);
    assert.deepEqual(
      ranked.map((r) => [r.id, r.rank]),
      [
        [2, 1],
        [1, 1],
      ],
    );
    assert.equal(shownMean(ranked[0].mean), 2.33);
  });

  it('rankApplications, with equal means and equal review counts, orders by earlier submission, then by id', () => {
    const ranked = rankApplications(
      [app(3, '2027-01-05T00:00:00Z'), app(1, '2027-01-09T00:00:00Z'), app(2, '2027-01-05T00:00:00Z')],
      [review(1, 3, 3, 3), review(2, 3, 3, 3), review(3, 3, 3, 3)],
    );
    assert.deepEqual(
      ranked.map((r) => r.id),
      [2, 3, 1],
    );
  });

  it('rankApplications, with unscored applications, puts them last in the order they came, with no mean and no rank', () => {
    const ranked = rankApplications([app(1), app(2), app(3)], [review(3, 1, 1, 1)]);
    assert.deepEqual(
      ranked.map((r) => [r.id, r.mean, r.rank, r.reviews]),
      [
        [3, 1, 1, 1],
        [1, null, null, 0],
        [2, null, null, 0],
      ],
    );
  });

  it('rankApplications, with reviews of applications not in the list, ignores them', () => {
    const ranked = rankApplications([app(1)], [review(1, 5, 5, 5), review(9, 1, 1, 1)]);
    assert.deepEqual(
      ranked.map((r) => [r.id, r.reviews, r.mean]),
      [[1, 1, 5]],
    );
  });

  it('shownMean, for 4.666…, 4 and null, gives 4.67, 4 and null', () => {
    assert.deepEqual([shownMean(28 / 6), shownMean(4), shownMean(null)], [4.67, 4, null]);
  });
});
