import type { Express } from 'express';

/**
 * Who may use each route. `public`: anyone. `staff`: any signed-in staff member. `case`: staff on
 * the case (an outside consultant gets 404, as for a case that does not exist); also a cohort's
 * reviewers on `/reviews/:id`. `director`:
 * directors only (consultants 403). `api`: a director's bearer token only (a session is not
 * enough). `setup`: gone (404) once a user exists. `second-step`: only a session half signed in
 * (password right, code or passkey to come) is served; others are sent to /login or refused.
 */
type Access = 'public' | 'staff' | 'case' | 'director' | 'api' | 'setup' | 'second-step';

export const MATRIX: Record<string, Access> = {
  'GET /': 'public',
  'GET /healthz': 'public',
  'GET /favicon.ico': 'public',
  'GET /requests/new': 'public',
  'POST /requests': 'public',
  'GET /requests/received': 'public',
  'GET /status/:token': 'public',
  'POST /status/:token/messages': 'public',
  'GET /status/:token/engagements/:eid.ics': 'public',
  'POST /status/:token/feedback': 'public',
  'POST /api/v1/requests': 'public',
  'GET /login': 'public',
  'POST /login': 'public',
  'POST /logout': 'public',
  'GET /setup': 'setup',
  'POST /setup': 'setup',
  'GET /account/password': 'staff',
  'POST /account/password': 'staff',
  'GET /login/verify': 'second-step',
  'POST /login/verify': 'second-step',
  'POST /login/passkey/options': 'second-step',
  'POST /login/passkey': 'second-step',
  'GET /login/enrol': 'second-step',
  'POST /login/enrol': 'second-step',
  'GET /account/security': 'staff',
  'GET /account/security/totp': 'staff',
  'POST /account/security/totp': 'staff',
  'POST /account/security/totp/remove': 'staff',
  'POST /account/security/recovery-codes': 'staff',
  'POST /account/security/passkeys/options': 'staff',
  'POST /account/security/passkeys': 'staff',
  'POST /account/security/passkeys/:id/delete': 'staff',
  'POST /admin/users/:id/mfa-reset': 'director',
  'POST /admin/users/:id/sign-in-wait/clear': 'director',
  'GET /admin/users': 'director',
  'GET /admin/users/new': 'director',
  'POST /admin/users': 'director',
  'GET /admin/users/:id/edit': 'director',
  'POST /admin/users/:id': 'director',
  'POST /admin/users/:id/deactivate': 'director',
  'POST /admin/users/:id/reactivate': 'director',
  'GET /admin/topics': 'director',
  'POST /admin/topics': 'director',
  'POST /admin/topics/:id': 'director',
  'POST /admin/topics/:id/retire': 'director',
  'POST /admin/topics/:id/restore': 'director',
  'GET /cases': 'staff',
  'GET /cases/triage': 'director',
  'GET /cases/new': 'staff',
  'POST /cases': 'staff',
  'GET /cases/:id': 'case',
  'GET /cases/:id/edit': 'director',
  'POST /cases/:id': 'director',
  'POST /cases/:id/assignment': 'director',
  'POST /cases/:id/priority': 'director',
  'POST /cases/:id/status': 'case',
  'POST /cases/:id/notes': 'case',
  'POST /cases/:id/messages': 'case',
  'GET /my-work': 'staff',
  'GET /cases/:id/engagements/new': 'case',
  'POST /cases/:id/engagements': 'case',
  'GET /engagements/:id.ics': 'case',
  'GET /engagements/:id/edit': 'case',
  'POST /engagements/:id': 'case',
  'POST /engagements/:id/cancel': 'case',
  'POST /engagements/:id/delete': 'case',
  'GET /dashboard': 'director',
  'GET /reports/engagements': 'director',
  'GET /reports/coverage.csv': 'director',
  'GET /reports/engagements.csv': 'director',
  'GET /reports/cases.csv': 'director',
  'GET /states/:code': 'director',
  'GET /api/v1/cases': 'api',
  'GET /api/v1/engagements': 'api',
  'GET /api/v1/reports/coverage': 'api',
  'GET /api/v1/engagements/:id': 'api',
  'PATCH /api/v1/engagements/:id': 'api',
  'POST /api/v1/engagements/:id/cancel': 'api',
  'POST /api/v1/cases/:reference/engagements': 'api',
  'POST /api/v1/cases/:reference/notes': 'api',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/docs': 'public',
  'GET /vendor/swagger-ui/swagger-ui-bundle.js': 'public',
  'GET /vendor/swagger-ui/swagger-ui.css': 'public',
  'GET /admin/tokens': 'director',
  'POST /admin/tokens': 'director',
  'POST /admin/tokens/:id/revoke': 'director',
  'GET /admin/outbox': 'director',
  'GET /admin/outbox/:id': 'director',
  'POST /admin/outbox/:id/retry': 'director',
  'GET /admin/import': 'director',
  'GET /admin/import/sample.csv': 'director',
  'POST /admin/import': 'director',
  'POST /admin/import/kept': 'director',
  'GET /cohorts': 'public',
  'GET /cohorts/new': 'director',
  'POST /cohorts': 'director',
  'GET /cohorts/:id': 'director',
  'GET /cohorts/:id/edit': 'director',
  'POST /cohorts/:id': 'director',
  'GET /cohorts/:id/apply': 'public',
  'POST /cohorts/:id/apply': 'public',
  'GET /cohorts/:id/applications': 'director',
  'GET /cohorts/:id/applications/:aid': 'director',
  'POST /cohorts/:id/applications/:aid/decision': 'director',
  'GET /cohorts/:id/meetings/:mid/attendance': 'director',
  'POST /cohorts/:id/meetings/:mid/attendance': 'director',
  'POST /cohorts/:id/reviewers': 'director',
  'POST /cohorts/:id/assignments': 'director',
  'GET /cohorts/:id/assignments/:asid': 'director',
  'POST /cohorts/:id/assignments/:asid': 'director',
  'GET /applications/:token': 'public',
  'GET /reviews': 'staff',
  'GET /reviews/:id': 'case',
  'POST /reviews/:id': 'case',
  'GET /network': 'director',
  'GET /network/teams/new': 'director',
  'POST /network/teams': 'director',
  'GET /network/teams/:id': 'director',
  'GET /network/teams/:id/edit': 'director',
  'POST /network/teams/:id': 'director',
  'GET /network/teams/:id/training': 'director',
  'POST /network/teams/:id/training': 'director',
  'GET /network/events/new': 'director',
  'POST /network/events': 'director',
  'GET /network/events/:id': 'director',
  'GET /network/events/:id/edit': 'director',
  'POST /network/events/:id': 'director',
  'POST /network/events/:id/attendance': 'director',
};

/**
 * Every route the app registers, as "METHOD /path", read from Express's router itself (so a new
 * route cannot be added without its row). A router mounted under a prefix, or a route whose path
 * is not a plain string, shows as an entry no row can match, so that it fails the check too.
 */
export function registeredRoutes(app: Express): string[] {
  type Layer = {
    route?: { path: unknown; methods: Record<string, boolean> };
    handle?: { stack?: unknown[] };
    slash?: boolean;
    name?: string;
  };
  const out: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = typeof layer.route.path === 'string' ? layer.route.path : `<not a plain path: ${String(layer.route.path)}>`;
        for (const m of Object.keys(layer.route.methods)) out.push(`${m.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        if (!layer.slash)
          out.push(`ROUTER mounted under a prefix (${layer.name ?? 'anonymous'}): its routes need the prefix in the matrix`);
        walk(layer.handle.stack as Layer[]);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

export type Role = 'anonymous' | 'consultant' | 'outsider' | 'director' | 'half';

/**
 * The statuses a role may get on a route of this access: a refusal is exact, an allowance is "not
 * refused". A half-signed-in session is a signed-out one everywhere but on the second step,
 * except that a page asked for sends it back to the second step.
 */
export function expected(access: Access, role: Role, method: string): number | 'allowed' | 'to-second-step' | 'not-served' {
  if (access === 'second-step') return role === 'half' ? 'allowed' : 'not-served';
  if (role === 'half' && ['staff', 'case', 'director'].includes(access)) return method === 'GET' ? 'to-second-step' : 401;
  if (role === 'half') return expected(access, 'anonymous', method);
  switch (access) {
    case 'public':
      return 'allowed';
    case 'setup':
      return 404;
    case 'api':
      return 401;
    case 'staff':
      return role === 'anonymous' ? 401 : 'allowed';
    case 'case':
      return role === 'anonymous' ? 401 : role === 'outsider' ? 404 : 'allowed';
    case 'director':
      return role === 'anonymous' ? 401 : role === 'director' ? 'allowed' : 403;
  }
}

// Routes that remove what later routes use run last, signing out the very last.
export const destructive = (route: string) => (route === 'POST /logout' ? 2 : /delete|deactivate|revoke|cancel/.test(route) ? 1 : 0);
