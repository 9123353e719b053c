import request from 'supertest';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { paths } from '../src/paths';
import { SESSION_COOKIE } from '../src/web/session';

/** Signs a demo user in through the real form (of an app, or of one running at a URL) and returns the session cookie for autocannon to send. */
export async function sessionCookie(app: Parameters<typeof request.agent>[0] | string, email: string): Promise<string> {
  const agent = request.agent(app);
  const page = await agent.get(paths.signIn);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const response = await agent.post(paths.signIn).type('form').send({ email, password: DEMO_PASSWORD, _csrf: csrf });
  const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return cookies.find((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))!.split(';')[0]!;
}
