import { RequestHandler, Router } from 'express';
import multer from 'multer';
import * as importer from '../handlers/import.handlers';
import { directorOnly } from '../middleware/auth';

/** Directors upload historical records (CSV): first checked, then imported. */
export function importRoutes(csrfProtect: RequestHandler): Router {
  const router = Router();
  // In memory, one file of at most 10 MB: a decade of records is well under that.
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 10 } });
  router.get('/admin/import', directorOnly, importer.form);
  router.get('/admin/import/sample.csv', directorOnly, importer.sample);
  router.post('/admin/import', directorOnly, upload.single('file'), csrfProtect, importer.upload);
  router.post('/admin/import/kept', directorOnly, importer.importKept);
  return router;
}
