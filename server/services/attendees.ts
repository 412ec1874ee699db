import type { Attendee } from '../schemas/engagement.schemas';

/**
 * Reads attendees pasted one per line as "Name, Role, State" (commas or tabs, as copied from a
 * spreadsheet). Role and state are optional; a state may be its code or its name.
 */
export function parseAttendees(text: string, jurisdictions: { code: string; name: string }[]): { attendees: Attendee[]; error?: string } {
  const byName = new Map<string, string>();
  for (const j of jurisdictions) {
    byName.set(j.code.toLowerCase(), j.code);
    byName.set(j.name.toLowerCase(), j.code);
  }
  const attendees: Attendee[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/\t|,/).map((p) => p.trim());
    // Empty cells (a spreadsheet row with no role or no state: "Ann Lee,Board member,") say nothing.
    const [name, ...rest] = [parts[0], ...parts.slice(1).filter((p) => p !== '')];
    if (!name) return { attendees, error: `Line ${i + 1}: start with the attendee's name` };
    if (name.length > 120) return { attendees, error: `Line ${i + 1}: the name must be 120 characters or fewer` };
    let role: string | undefined;
    let jurisdiction: string | undefined;
    const last = rest.length ? rest[rest.length - 1] : undefined;
    if (last && byName.has(last.toLowerCase())) {
      jurisdiction = byName.get(last.toLowerCase());
      role = rest.slice(0, -1).join(', ') || undefined;
    } else if (rest.length >= 2) {
      return { attendees, error: `Line ${i + 1}: “${last}” is not a state or jurisdiction` };
    } else {
      role = rest[0] || undefined;
    }
    if (role && role.length > 120) return { attendees, error: `Line ${i + 1}: the role must be 120 characters or fewer` };
    attendees.push({ name, ...(role ? { role } : {}), ...(jurisdiction ? { jurisdiction } : {}) });
  }
  return { attendees };
}

/** Attendees back as text lines for the form. */
export function formatAttendees(attendees: Attendee[]): string {
  return attendees.map((a) => [a.name, a.role ?? '', a.jurisdiction ?? ''].filter((p, i) => i === 0 || p).join(', ')).join('\n');
}
