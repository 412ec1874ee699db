import request from 'supertest';
import { yearIn } from '../../server/services/request.service';
import { testApp } from './app';

/** What the public request API tests share: the app, this year in its time zone, and a JSON POST to /api/v1/requests. */
export function publicRequestApi() {
  const { app, config } = testApp();
  const thisYear = () => yearIn(config.timeZone, new Date());
  const post = (body: unknown) =>
    request(app)
      .post('/api/v1/requests')
      .send(body as object);
  return { app, thisYear, post };
}
