/** Ranking applications by their reviewers' scores: pure, so that it is tested on its own. */

interface ScoreLike {
  application_id: number;
  equity_score: number;
  openness_score: number;
  leadership_score: number;
}

interface Ranked {
  /** How many reviewers scored it. */
  reviews: number;
  /** The sum of every score given to it (three a review). */
  total: number;
  /** The mean of every score given to it (1-5), or null before its first review. */
  mean: number | null;
  /** 1 for the highest mean; applications with equal means share a rank; null when unscored. */
  rank: number | null;
}

const reviewTotal = (r: ScoreLike) => r.equity_score + r.openness_score + r.leadership_score;
const time = (v: string | Date) => (v instanceof Date ? v.getTime() : Date.parse(String(v)));

/** The mean shown on the pages: two decimals. */
export const shownMean = (mean: number | null) => (mean === null ? null : Math.round(mean * 100) / 100);

/**
 * Applications ranked by the mean of all their scores, highest first. Means are compared exactly
 * (cross-multiplied totals, no floating point); equal means are ordered by more reviews, then
 * earlier submission. Applications nobody has scored come last, in the order they came in.
 */
export function rankApplications<A extends { id: number; submitted_at: string | Date }>(
  applications: A[],
  scores: ScoreLike[],
): (A & Ranked)[] {
  const sums = new Map<number, { reviews: number; total: number }>();
  for (const s of scores) {
    const entry = sums.get(s.application_id) ?? { reviews: 0, total: 0 };
    entry.reviews += 1;
    entry.total += reviewTotal(s);
    sums.set(s.application_id, entry);
  }
  const rows = applications.map((a) => {
    const { reviews, total } = sums.get(a.id) ?? { reviews: 0, total: 0 };
    return { ...a, reviews, total, mean: reviews ? total / (3 * reviews) : null, rank: null as number | null };
  });
  // a's mean minus b's mean, in sign only: total_a / n_a against total_b / n_b.
  const byMean = (a: { total: number; reviews: number }, b: { total: number; reviews: number }) =>
    b.total * a.reviews - a.total * b.reviews;
  rows.sort((a, b) => {
    if (!a.reviews || !b.reviews)
      return (b.reviews ? 1 : 0) - (a.reviews ? 1 : 0) || time(a.submitted_at) - time(b.submitted_at) || a.id - b.id;
    return byMean(a, b) || b.reviews - a.reviews || time(a.submitted_at) - time(b.submitted_at) || a.id - b.id;
  });
  rows.forEach((row, i) => {
    if (!row.reviews) return;
    const previous = rows[i - 1];
    row.rank = previous && previous.reviews && byMean(previous, row) === 0 ? previous.rank : i + 1;
  });
  return rows;
}
