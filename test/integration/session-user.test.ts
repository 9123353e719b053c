import type { Express } from 'express';
import mongoose from 'mongoose';
import { User } from '../../src/features/accounts/user.model';
import { paths } from '../../src/paths';
import { sessionDocuments } from '../../src/web/session';
import { DatabaseSessionStore } from '../../src/web/session-store';
import { buildTestApp } from '../support/app';
import { commandsSentDuring, resetSignInLimits, useTestDatabase } from '../support/database';
import request from 'supertest';
import { createSchool, createUser, TEST_PASSWORD } from '../support/factories';
import { signedInAgent, submitForm } from '../support/http';

useTestDatabase({ monitorCommands: true });
beforeEach(resetSignInLimits);

const sessionsOf = (userId: string) => sessionDocuments(mongoose.connection).find({ userId }).toArray();

describe('the signed-in user kept with the session', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it('serves a signed-in page with one read, of the session, once the user has been read after sign-in', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    // The first page also stores the session's new CSRF secret (its sign-out button is a form).
    const first = await commandsSentDuring(() => agent.get(paths.help).expect(200));
    expect(first.slice(0, 2)).toEqual(['find sessions', 'find users']);
    const next = await commandsSentDuring(() => agent.get(paths.help).expect(200));
    expect(next).toEqual(['find sessions']);
  });

  it('stores the new session once when signing in (passport, the redirect and the end of the request all save it)', async () => {
    const sip = await createUser('sip');
    const agent = request.agent(app);
    const sent = await commandsSentDuring(async () => expect((await submitForm(agent, paths.signIn, { email: sip.email, password: TEST_PASSWORD })).status).toBe(302));
    const afterTheForm = sent.slice(sent.indexOf('find sign_in_lockouts'));
    expect(afterTheForm.filter((command) => command.endsWith(' sessions'))).toEqual(['delete sessions', 'update sessions']);
  });

  it('writes nothing for a redirect that leaves the session as it was', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    await agent.get(paths.help).expect(200);
    const sent = await commandsSentDuring(() => agent.get(paths.root).expect(302));
    expect(sent).toEqual(['find sessions']);
  });

  it('still saves what a request adds to the session, with the user kept', async () => {
    const school = await createUser('school', { schools: [(await createSchool())._id, (await createSchool())._id] });
    const agent = await signedInAgent(app, school.email);
    const choice = await agent.get(paths.actingFor).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(choice.text)![1]!;
    await agent.post(paths.actingFor).type('form').send({ _csrf: csrf, school: String(school.schools![1]) }).expect(302);
    const [stored] = await sessionsOf(school.id);
    expect(JSON.parse(stored!.session).actingSchoolId).toBe(String(school.schools![1]));
    expect(stored!.user?.schoolIds).toEqual(school.schools!.map(String));
  });

  it('takes a new role on the next request, however the record was changed', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    await agent.get(paths.dashboards.sip).expect(200);
    await agent.get(paths.dashboards.sip).expect(200);
    await User.updateOne({ _id: sip._id }, { $set: { role: 'provider' } });
    await agent.get(paths.dashboards.sip).expect(403);
    await agent.get(paths.dashboards.provider).expect(200);
  });

  it('signs out a deactivated user on their next request, and a deleted one', async () => {
    const [first, second] = [await createUser('provider'), await createUser('provider')];
    const agents = [await signedInAgent(app, first.email), await signedInAgent(app, second.email)];
    for (const agent of agents) {
      await agent.get(paths.help).expect(200);
      await agent.get(paths.dashboards.provider).expect(200);
    }
    await User.findOneAndUpdate({ _id: first._id }, { $set: { active: false } });
    await User.deleteOne({ _id: second._id });
    for (const agent of agents) {
      const response = await agent.get(paths.dashboards.provider);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(paths.signIn);
    }
  });

  it('shows a new name and a school taken away on the next request', async () => {
    const [kept, taken] = [await createSchool(), await createSchool()];
    const school = await createUser('school', { schools: [kept._id, taken._id] });
    const agent = await signedInAgent(app, school.email);
    await agent.get(paths.help).expect(200);
    await User.updateOne({ _id: school._id }, { $pull: { schools: taken._id } });
    await User.updateOne({ _id: school._id }, { $set: { name: 'Renamed head' } });
    const page = await agent.get(paths.help).expect(200);
    expect(page.text).toContain('Renamed head');
    // One school left: they act for it without choosing.
    await agent.get(paths.dashboards.school).expect(200);
  });

  it('does not keep a copy of the user read before their record changed', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    const store = new DatabaseSessionStore(() => sessionDocuments(mongoose.connection), 60_000, 60_000);
    const [session] = await sessionsOf(sip.id);
    const loaded = await new Promise<Parameters<DatabaseSessionStore['keepUserWith']>[1]>((resolve, reject) =>
      store.get(session!._id, (error, data) => (error ? reject(error as Error) : resolve(store.createSession({} as never, data as never)))),
    );
    // The user is read, their record changes, then the request that read them tries to keep its copy.
    const user = { id: sip.id, name: sip.name, email: sip.email, role: 'sip' as const, schoolIds: [], actingSchoolId: undefined, mustChangePassword: false };
    await User.updateOne({ _id: sip._id }, { $set: { name: 'Changed meanwhile' } });
    await store.keepUserWith(session!._id, loaded, user);
    expect((await sessionsOf(sip.id))[0]!.user).toBeUndefined();
    const page = await agent.get(paths.help).expect(200);
    expect(page.text).toContain('Changed meanwhile');
    expect((await sessionsOf(sip.id))[0]!.user?.name).toBe('Changed meanwhile');
  });

  it('answers a session from before this store (no user kept, no user id) by reading the user each time', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    await agent.get(paths.help).expect(200);
    await sessionDocuments(mongoose.connection).updateMany({ userId: sip.id }, { $unset: { userId: true, user: true, userMark: true } });
    for (let i = 0; i < 2; i++) expect(await commandsSentDuring(() => agent.get(paths.help).expect(200))).toEqual(['find sessions', 'find users', 'update sessions']);
    await User.updateOne({ _id: sip._id }, { $set: { active: false } });
    expect((await agent.get(paths.help)).text).not.toContain(sip.name);
  });

  it('keeps no user with a session once they sign out', async () => {
    const sip = await createUser('sip');
    const agent = await signedInAgent(app, sip.email);
    await agent.get(paths.help).expect(200);
    expect(await sessionsOf(sip.id)).toHaveLength(1);
    const page = await agent.get(paths.help);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    await agent.post(paths.signOut).type('form').send({ _csrf: csrf });
    expect(await sessionsOf(sip.id)).toHaveLength(0);
    expect((await agent.get(paths.help).expect(302)).headers.location).toBe(paths.signIn);
  });
});
