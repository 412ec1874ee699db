import type { Candidate } from '../queries/consultant.queries';

interface Suggestion {
  id: number;
  name: string;
  matches: string[];
  jurisdictionCases: number;
  openCases: number;
  capacity: number;
  hasRoom: boolean;
  reasons: string[];
}

/**
 * Ranks consultants for a case: those with room under their capacity first; then by how many of
 * the case's topics are in their expertise, by earlier cases with the same jurisdiction, and by
 * the lightest load relative to capacity; then by name. Each comes with its reasons in words.
 */
export function rankConsultants(
  candidates: Candidate[],
  caseTopics: { id: number; name: string }[],
  jurisdictionName: string,
): Suggestion[] {
  const suggestions = candidates
    .filter((c) => c.role === 'consultant')
    .map((c) => {
      const matches = caseTopics.filter((t) => c.topic_ids.includes(t.id)).map((t) => t.name);
      const hasRoom = c.open_cases < c.capacity;
      const reasons = [
        matches.length ? `Expertise in ${matches.join(', ')}` : 'No matching expertise',
        c.jurisdiction_cases
          ? `Worked with ${jurisdictionName} on ${c.jurisdiction_cases} earlier case${c.jurisdiction_cases === 1 ? '' : 's'}`
          : `No earlier work with ${jurisdictionName}`,
        `${c.open_cases} of ${c.capacity} open cases${hasRoom ? '' : ' (at capacity)'}`,
      ];
      return {
        id: c.id,
        name: c.name,
        matches,
        jurisdictionCases: c.jurisdiction_cases,
        openCases: c.open_cases,
        capacity: c.capacity,
        hasRoom,
        reasons,
      };
    });
  const load = (s: Suggestion) => (s.capacity > 0 ? s.openCases / s.capacity : Infinity);
  return suggestions.sort(
    (a, b) =>
      Number(b.hasRoom) - Number(a.hasRoom) ||
      b.matches.length - a.matches.length ||
      b.jurisdictionCases - a.jurisdictionCases ||
      load(a) - load(b) ||
      a.name.localeCompare(b.name),
  );
}
