import type { Express } from 'express';
import { sign } from 'cookie-signature';
import { paths } from '../../src/paths';
import { NOTICE_COOKIE } from '../../src/web/flash';
import { buildTestApp, testConfig } from '../support/app';
import { commandsSentDuring, useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';
import { csrfTokenFrom, signedInAgent, type Agent } from '../support/http';

// A one-off message ("Shortlist created") goes to the next page in a signed cookie of its own, not in the
// session: sending a form and seeing the page it leads to write no session to the database.
useTestDatabase({ monitorCommands: true });

const banner = (html: string) => /govuk-notification-banner__heading">\s*([^<]*)/.exec(html)?.[1]?.trim();

describe('one-off messages after a form', () => {
  let app: Express;
  let agent: Agent;
  beforeAll(async () => {
    app = buildTestApp();
    agent = await signedInAgent(app, (await createUser('school')).email);
  });

  async function makeShortlist(title: string) {
    const form = await agent.get(paths.shortlists.new).expect(200);
    let response!: Awaited<ReturnType<Agent['post']>>;
    const sent = await commandsSentDuring(async () => {
      response = await agent.post(paths.shortlists.new).type('form').send({ title, _csrf: csrfTokenFrom(form.text) });
    });
    return { response, sent };
  }

  it('come with the redirect in a signed, short-lived cookie and are shown once, writing no session', async () => {
    const { response, sent } = await makeShortlist('Year 6 reading');
    expect(response.status).toBe(302);
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []).find((each) => each.startsWith(`${NOTICE_COOKIE}=`));
    expect(cookie).toMatch(/; Max-Age=300; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(sent.filter((command) => command.endsWith(' sessions') && !command.startsWith('find'))).toEqual([]);

    let shown = '';
    const showing = await commandsSentDuring(async () => {
      shown = (await agent.get(response.headers.location!).expect(200)).text;
    });
    expect(banner(shown)).toBe('Shortlist “Year 6 reading” created.');
    expect(showing.filter((command) => command.endsWith(' sessions') && !command.startsWith('find'))).toEqual([]);
    expect(banner((await agent.get(response.headers.location!).expect(200)).text)).toBeUndefined();
  });

  it('are ignored when the cookie was not signed by the service', async () => {
    const page = paths.shortlists.index;
    const message = JSON.stringify({ type: 'important', text: 'Your account is locked: ring 0900 000 000' });
    for (const forged of [message, sign(message, 'some other secret'), `${sign(message, testConfig().session.secret)}x`]) {
      const response = await agent.get(page).set('Cookie', `${NOTICE_COOKIE}=${encodeURIComponent(forged)}`).expect(200);
      expect(response.text).not.toContain('0900 000 000');
    }
  });

  it('show a message signed by the service, escaped', async () => {
    const message = JSON.stringify({ type: 'success', text: 'Saved <script>alert(1)</script>' });
    const response = await agent.get(paths.shortlists.index).set('Cookie', `${NOTICE_COOKIE}=${encodeURIComponent(sign(message, testConfig().session.secret))}`).expect(200);
    expect(response.text).toContain('Saved &lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
