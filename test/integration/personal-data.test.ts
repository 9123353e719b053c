import type { Express } from 'express';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { paths } from '../../src/paths';
import { askForPasswordReset, buildTestApp } from '../support/app';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { signedInAgent, type Agent } from '../support/http';
import { providerAndSchoolWorld } from '../support/personal-data-fixtures';

useTestDatabase();
beforeEach(resetSignInLimits);

async function download(agent: Agent) {
  const response = await agent.get(paths.yourData).buffer(true).parse((res, callback) => {
    let text = '';
    res.on('data', (chunk: Buffer) => (text += chunk.toString()));
    res.on('end', () => callback(null, text));
  });
  return { response, text: response.body as string, data: JSON.parse(response.body as string) as Record<string, unknown> };
}

describe('downloading your data', () => {
  let app: Express;
  let a: Awaited<ReturnType<typeof providerAndSchoolWorld>>;
  let b: Awaited<ReturnType<typeof providerAndSchoolWorld>>;

  beforeAll(async () => {
    app = buildTestApp();
    a = await providerAndSchoolWorld('Amber', '07700 900111');
    b = await providerAndSchoolWorld('Blue', '07700 900222');
  });

  it('is offered on every signed-in person’s account page, linked from the header', async () => {
    const agent = await signedInAgent(app, a.schoolUser.email);
    const home = await agent.get(paths.dashboards.school);
    expect(home.text).toContain(`href="${paths.account}"`);
    const page = await agent.get(paths.account);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Amber Head Person');
    expect(page.text).toContain(`href="${paths.yourData}"`);
  });

  it('gives a provider a dated JSON attachment of their account, listings, recommendations asked for, commissions, notifications and emails', async () => {
    const agent = await signedInAgent(app, a.provider.email);
    const { response, text, data } = await download(agent);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?your-data-\d{4}-\d{2}-\d{2}\.json"?$/);
    expect(response.headers['cache-control']).toBe('no-store');

    expect(data.account).toMatchObject({ name: 'Amber Provider Person', email: a.provider.email, role: 'Provider', active: true });
    expect(text).not.toMatch(/passwordHash|\$argon2/);
    expect(data.listings).toEqual([expect.objectContaining({ name: 'Amber Maths Service', contact: expect.objectContaining({ phone: '07700 900111' }) })]);
    expect(data.recommendations).toEqual([expect.objectContaining({ listing: 'Amber Maths Service', youAskedForIt: true, youAnswered: false, statement: 'Amber recommendation statement' })]);
    expect(data.commissions).toEqual([expect.objectContaining({ reference: a.commission.reference, yourPart: ['provider'], status: 'accepted' })]);
    expect((data.notifications as unknown[]).length).toBeGreaterThan(0);
    expect((data.emails as unknown[]).length).toBeGreaterThan(0);
    expect(data.accountEvents).toEqual(expect.arrayContaining([expect.objectContaining({ event: 'Signed in', byYou: true, ip: expect.any(String) })]));
    // A school's support level is never shown to a provider.
    expect(text).not.toContain('SECRET LEVEL');
  });

  it('gives a school user their recommendations, feedback and shortlists', async () => {
    const agent = await signedInAgent(app, a.schoolUser.email);
    const { data } = await download(agent);
    expect(data.recommendations).toEqual([expect.objectContaining({ youAnswered: true, workSeen: 'Amber work seen' })]);
    expect(data.feedback).toEqual([expect.objectContaining({ provider: 'Amber Maths Service', whatChanged: 'Amber feedback words' })]);
    expect(data.shortlists).toEqual([expect.objectContaining({ title: 'Amber shortlist', providers: [{ name: 'Amber Maths Service', note: 'Amber shortlist note' }] })]);
    expect(data.commissions).toEqual([expect.objectContaining({ reference: a.commission.reference, yourPart: ['asked for it'] })]);
  });

  it('never holds another person’s data: not the other world’s, nor the other side of one’s own commission', async () => {
    for (const [me, others] of [
      [a.provider, [b.provider, b.schoolUser, a.schoolUser]],
      [a.schoolUser, [b.provider, b.schoolUser, a.provider]],
    ] as const) {
      const { text } = await download(await signedInAgent(app, me.email));
      for (const other of others) {
        expect(text).not.toContain(other.name);
        expect(text).not.toContain(other.email);
        expect(text).not.toContain(other._id.toString());
      }
      expect(text).not.toMatch(/Blue (Maths Service|recommendation|feedback|shortlist)|07700 900222/);
    }
    // The school user does not get the provider's contact details either.
    expect((await download(await signedInAgent(app, a.schoolUser.email))).text).not.toContain('07700 900111');
  });

  it('blanks one-time links in the emails it includes, and records the download', async () => {
    await askForPasswordReset(app, b.schoolUser.email);
    const agent = await signedInAgent(app, b.schoolUser.email);
    const { data, text } = await download(agent);
    expect(text).toContain('token=[removed]');
    expect(text).not.toMatch(/token=(?!\[removed\])[\w-]+/);
    expect((data.emails as { text: string }[]).some((email) => email.text.includes('set-password?token=[removed]'))).toBe(true);
    expect(await AuditEntry.exists({ subjectId: b.schoolUser._id, action: 'personal_data_downloaded' })).toBeTruthy();
  });
});
