import type { Express } from 'express';
import request from 'supertest';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { User } from '../../src/features/accounts/user.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createSchool, createUser, TEST_PASSWORD } from '../support/factories';
import { csrfTokenFrom, signedInAgent, submitForm, type Agent } from '../support/http';

useTestDatabase();

describe('Traded Services manage users', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });
  let admin: Agent;
  let adminId: string;

  beforeAll(async () => {
    const user = await createUser('traded_services');
    adminId = user.id as string;
    admin = await signedInAgent(app, user.email);
  });

  it('adds a school user, who must change the temporary password at first sign-in', async () => {
    const school = await createSchool({ name: 'Brookside Primary' });
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Hana Head',
      email: 'Hana.Head@Brookside.example',
      role: 'school',
      school: school.id as string,
      password: 'a temporary passphrase',
    });
    expect(response.status).toBe(302);
    const created = await User.findOne({ email: 'hana.head@brookside.example' }).lean();
    expect(created).toMatchObject({ role: 'school', active: true, mustChangePassword: true });
    expect(created!.school!.toString()).toBe(school.id);
    expect(await AuditEntry.exists({ action: 'user_created', subjectId: created!._id })).toBeTruthy();

    const newcomer = request.agent(app);
    const signIn = await submitForm(newcomer, paths.signIn, { email: 'hana.head@brookside.example', password: 'a temporary passphrase' });
    expect(signIn.headers.location).toBe(paths.changePassword);
    const changed = await submitForm(newcomer, paths.changePassword, {
      currentPassword: 'a temporary passphrase',
      newPassword: 'my very own passphrase',
      confirmPassword: 'my very own passphrase',
    });
    expect(changed.headers.location).toBe(paths.dashboards.school);
    const home = await newcomer.get(paths.dashboards.school);
    expect(home.text).toContain('Brookside Primary');
    expect(home.text).toContain('Your password has been changed.');
  });

  it('shows each problem beside its field and keeps what was typed', async () => {
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Kept Name',
      email: 'not an email',
      role: 'school',
      password: 'short',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('govuk-error-summary');
    expect(response.text).toContain('Enter an email address in the correct format');
    expect(response.text).toContain('Select the school this person works at');
    expect(response.text).toContain('Password must be 12 characters or more');
    expect(response.text).toContain('value="Kept Name"');
    expect(response.text).toContain('value="not an email"');
    expect(response.text).not.toContain('value="short"');
  });

  it('refuses a second account with the same email', async () => {
    const existing = await createUser('sip');
    const response = await submitForm(admin, paths.admin.newUser, {
      name: 'Duplicate',
      email: existing.email.toUpperCase(),
      role: 'sip',
      password: 'a temporary passphrase',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('A user with this email address already exists');
  });

  it('deactivates and reactivates a user, recording both', async () => {
    const target = await createUser('provider');
    const page = await admin.get(paths.admin.user(target.id as string));
    expect(page.text).toContain('Deactivate user');
    const response = await admin.post(paths.admin.deactivateUser(target.id as string)).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect(response.headers.location).toBe(paths.admin.user(target.id as string));
    expect((await User.findById(target._id).lean())!.active).toBe(false);
    expect((await submitForm(request.agent(app), paths.signIn, { email: target.email, password: TEST_PASSWORD })).status).toBe(400);

    await submitForm(admin, paths.admin.user(target.id as string), {}, paths.admin.reactivateUser(target.id as string));
    expect((await User.findById(target._id).lean())!.active).toBe(true);
    const actions = (await AuditEntry.find({ subjectId: target._id }).lean()).map((entry) => entry.action).sort();
    expect(actions).toEqual(['user_deactivated', 'user_reactivated']);
  });

  it('does not let Traded Services deactivate themselves', async () => {
    const page = await admin.get(paths.admin.user(adminId));
    expect(page.text).not.toContain('Deactivate user');
    const response = await admin.post(paths.admin.deactivateUser(adminId)).type('form').send({ _csrf: csrfTokenFrom(page.text) });
    expect(response.status).toBe(403);
    expect((await User.findById(adminId).lean())!.active).toBe(true);
  });

  it('answers 404 for a user that does not exist or a malformed id', async () => {
    expect((await admin.get(paths.admin.user('64b7f0000000000000000000'))).status).toBe(404);
    expect((await admin.get(paths.admin.user('not-an-id'))).status).toBe(404);
  });

  it('refuses every other role, on pages and on actions', async () => {
    const target = await createUser('sip');
    for (const role of ['sip', 'school', 'provider'] as const) {
      const agent = await signedInAgent(app, (await createUser(role)).email);
      const home = await agent.get(paths.dashboards[role]);
      expect((await agent.get(paths.admin.user(target.id as string))).status).toBe(403);
      const post = await agent.post(paths.admin.deactivateUser(target.id as string)).type('form').send({ _csrf: csrfTokenFrom(home.text) });
      expect(post.status).toBe(403);
    }
    expect((await User.findById(target._id).lean())!.active).toBe(true);
  });
});

describe('changing your own password', () => {
  let app: Express;
  beforeAll(() => {
    app = buildTestApp();
  });

  it('needs the current password', async () => {
    const user = await createUser('sip');
    const agent = await signedInAgent(app, user.email);
    const response = await submitForm(agent, paths.changePassword, {
      currentPassword: 'not my password',
      newPassword: 'a different passphrase',
      confirmPassword: 'a different passphrase',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('Your current password is not right');
  });

  it('changes it, after which only the new one works', async () => {
    const user = await createUser('provider');
    const agent = await signedInAgent(app, user.email);
    const response = await submitForm(agent, paths.changePassword, {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a different passphrase',
      confirmPassword: 'a different passphrase',
    });
    expect(response.status).toBe(302);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: TEST_PASSWORD })).status).toBe(400);
    expect((await submitForm(request.agent(app), paths.signIn, { email: user.email, password: 'a different passphrase' })).status).toBe(302);
  });
});
