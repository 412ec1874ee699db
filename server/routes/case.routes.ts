import { RequestHandler, Router } from 'express';
import * as caseEdit from '../handlers/case-edit.handlers';
import * as caseList from '../handlers/case-list.handlers';
import * as cases from '../handlers/case.handlers';
import { directorOnly, requireStaff } from '../middleware/auth';

/** The forms of the case page, each posted to /cases/:id/<form>: who may send it, and what answers it. */
const CASE_PAGE_FORMS: [form: string, guard: RequestHandler | RequestHandler[], handler: RequestHandler][] = [
  ['assignment', directorOnly, cases.assign],
  ['priority', directorOnly, cases.priority],
  ['status', requireStaff, cases.status],
  ['notes', requireStaff, cases.note],
  ['messages', requireStaff, cases.message],
];

/** The staff workspace: cases, triage, assignment, workflow, notes and messages. */
export function caseRoutes(): Router {
  const router = Router();
  router.route('/cases').get(requireStaff, caseList.index).post(requireStaff, caseEdit.create);
  // Before /cases/:id, which would take them for ids.
  router.get('/cases/triage', directorOnly, caseList.triage);
  router.get('/cases/new', requireStaff, caseEdit.newForm);
  router.route('/cases/:id').get(requireStaff, cases.show).post(directorOnly, caseEdit.update);
  router.get('/cases/:id/edit', directorOnly, caseEdit.editForm);
  for (const [form, guard, handler] of CASE_PAGE_FORMS) router.post(`/cases/:id/${form}`, guard, handler);
  return router;
}
