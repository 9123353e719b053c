import mongoose from 'mongoose';
import request from 'supertest';
import { paths } from '../../src/paths';
import { useTestDatabase } from '../support/database';
import { BUTTONS, FORMS, LISTING_FORMS } from '../support/hostile-forms';
import { describeHostileInput, useHostileContext } from '../support/hostile-input';
import { listRoutes } from '../support/routes';

/** Every form but the pen portrait's (hostile-listing-input.test.ts), and CSRF on every POST route. */
useTestDatabase();
const context = useHostileContext();
const postRoutes = (routes: string[]) => routes.filter((route) => route.startsWith('POST '));

describeHostileInput('hostile input', FORMS.filter((form) => !LISTING_FORMS.includes(form)), context);

describe('every POST route', () => {
  it('has a row: a form whose fields are attacked, or a button', () => {
    const covered = new Set([...FORMS.map((form) => form.route), ...BUTTONS.map((button) => button.route)]);
    expect(postRoutes(listRoutes(context.app)).filter((route) => !covered.has(route))).toEqual([]);
  });

  it('refuses every POST route without a token or with a wrong one, and changes nothing', async () => {
    const snapshot = async () => {
      const collections = (await mongoose.connection.db!.listCollections().toArray()).map((collection) => collection.name).filter((name) => name !== 'sessions').sort();
      return Promise.all(collections.map(async (name) => [name, await mongoose.connection.db!.collection(name).find({}).toArray()]));
    };
    const attempts = [];
    for (const form of FORMS) attempts.push({ route: form.route, as: form.as, multipart: Boolean(form.multipart), url: (await form.target(context.world)).action });
    for (const button of BUTTONS) attempts.push({ route: button.route, as: button.as, multipart: false, url: button.action(context.world) });
    const before = await snapshot();
    for (const attempt of attempts) {
      for (const token of [undefined, 'forged-token']) {
        const agent = context.agents.get(attempt.as)!;
        let response;
        if (attempt.multipart) {
          const multipart = agent.post(attempt.url).field('name', 'Forged');
          response = await (token ? multipart.field('_csrf', token) : multipart);
        } else {
          response = await agent.post(attempt.url).type('form').send({ name: 'Forged', ...(token ? { _csrf: token } : {}) });
        }
        if (response.status !== 403 || !response.text.includes('This page has expired')) throw new Error(`${attempt.route} (${attempt.url}) answered ${response.status} to a forged post`);
      }
    }
    expect(await snapshot()).toEqual(before);
    const checked = new Set(attempts.map((attempt) => attempt.route));
    expect([...checked].sort()).toEqual(postRoutes(listRoutes(context.app)));
    process.stdout.write(`CSRF: ${checked.size} POST routes refused a missing and a wrong token (${attempts.length} forms and buttons, ${attempts.length * 2} forged posts)\n`);
  });

  it('refuses a JSON body, which no form sends, before reading it', async () => {
    const response = await request(context.app).post(paths.signIn).set('Content-Type', 'application/json').send('{"email":{"$ne":null},"password":{"$ne":null}}');
    expect(response.status).toBe(403);
  });
});
