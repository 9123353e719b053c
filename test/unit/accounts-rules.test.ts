import { changePasswordSchema, inviteUserSchema, MAX_URNS_PER_INVITATION, signInSchema } from '../../src/features/accounts/accounts.schemas';
import { canManageUsers, type SessionUser } from '../../src/web/identity';
import { navigationFor, ROLES, type Role } from '../../src/web/identity';
import { safeReturnPath } from '../../src/web/return-path';

const userWithRole = (role: Role): SessionUser => ({
  id: '1',
  name: 'n',
  email: 'e@x.example',
  role,
  schoolIds: [],
  actingSchoolId: undefined,
  mustChangePassword: false,
});

describe('sign-in form', () => {
  it('normalises the email and refuses non-text values', () => {
    expect(signInSchema.parse({ email: ' Head@School.Example ', password: 'p' }).email).toBe('head@school.example');
    expect(signInSchema.safeParse({ email: { $ne: 'x' }, password: 'p' }).success).toBe(false);
    expect(signInSchema.safeParse({ email: 'not-an-email', password: 'p' }).error?.issues[0]?.message).toMatch(/correct format/);
  });
});

describe('password rules', () => {
  const base = { currentPassword: 'old password here', newPassword: 'a brand new passphrase', confirmPassword: 'a brand new passphrase' };
  it('accepts a long new password that is confirmed', () => {
    expect(changePasswordSchema.safeParse(base).success).toBe(true);
  });
  it('refuses short, unconfirmed or unchanged passwords with a message on the right field', () => {
    const short = changePasswordSchema.safeParse({ ...base, newPassword: 'short', confirmPassword: 'short' });
    expect(short.error?.issues[0]).toMatchObject({ path: ['newPassword'], message: expect.stringMatching(/12 characters/) });
    const mismatch = changePasswordSchema.safeParse({ ...base, confirmPassword: 'something else entirely' });
    expect(mismatch.error?.issues[0]).toMatchObject({ path: ['confirmPassword'] });
    const same = changePasswordSchema.safeParse({ ...base, newPassword: base.currentPassword, confirmPassword: base.currentPassword });
    expect(same.error?.issues[0]).toMatchObject({ path: ['newPassword'] });
  });
});

describe('common passwords (NCSC: block the most common, prefer length over complexity)', () => {
  it.each(['password1234', 'Password123!', 'qwertyuiop12', '123456789012', 'iloveyou2026'])('refuses %s', (password) => {
    const result = changePasswordSchema.safeParse({ currentPassword: 'old password here', newPassword: password, confirmPassword: password });
    expect(result.error?.issues[0]).toMatchObject({ path: ['newPassword'], message: expect.stringMatching(/too easy to guess/) });
  });

  it.each(['correct horse battery staple', 'school-support-demo', 'a brand new passphrase'])('accepts %s', (password) => {
    expect(changePasswordSchema.safeParse({ currentPassword: 'old password here', newPassword: password, confirmPassword: password }).success).toBe(true);
  });
});

describe('invite user form', () => {
  const valid = { name: 'Ann Example', email: 'ann@school.example', role: 'sip' };
  it('needs a school URN for school users only', () => {
    expect(inviteUserSchema.safeParse(valid).success).toBe(true);
    const school = inviteUserSchema.safeParse({ ...valid, role: 'school' });
    expect(school.error?.issues[0]).toMatchObject({ path: ['school'], message: expect.stringMatching(/URN/) });
    const malformed = inviteUserSchema.safeParse({ ...valid, role: 'school', school: '12ab' });
    expect(malformed.error?.issues[0]?.message).toBe('A URN is 6 digits, like 123456; separate several with commas');
    expect(inviteUserSchema.safeParse({ ...valid, role: 'school', school: '123456' }).data?.schoolUrns).toEqual(['123456']);
  });
  it('links someone who works across schools to each URN given, once', () => {
    expect(inviteUserSchema.safeParse({ ...valid, role: 'school', school: '123456, 234567 123456,345678' }).data?.schoolUrns).toEqual(['123456', '234567', '345678']);
    expect(inviteUserSchema.safeParse({ ...valid, role: 'school', school: '123456, 2345' }).error?.issues[0]?.path).toEqual(['school']);
    const tooMany = Array.from({ length: MAX_URNS_PER_INVITATION + 1 }, (_, i) => String(100000 + i)).join(',');
    expect(inviteUserSchema.safeParse({ ...valid, role: 'school', school: tooMany }).error?.issues[0]?.message).toBe(`Enter at most ${MAX_URNS_PER_INVITATION} URNs`);
    expect(inviteUserSchema.safeParse({ ...valid, school: '123456' }).data?.schoolUrns).toEqual([]);
  });
  it('refuses an unknown role', () => {
    expect(inviteUserSchema.safeParse({ ...valid, role: 'admin' }).error?.issues[0]?.message).toBe('Select a role');
  });
});

describe('who may do what', () => {
  it.each(ROLES)('%s manages users only if Traded Services', (role) => {
    expect(canManageUsers(userWithRole(role))).toBe(role === 'traded_services');
  });

  it('shows the Users page in navigation only to Traded Services', () => {
    for (const role of ROLES) {
      expect(navigationFor(role).some((item) => item.text === 'Users')).toBe(role === 'traded_services');
    }
  });
});

describe('safeReturnPath', () => {
  it.each([
    ['/admin/users', '/admin/users'],
    ['/sip?tab=1', '/sip?tab=1'],
    ['//evil.example/x', undefined],
    ['/\\evil.example', undefined],
    ['https://evil.example', undefined],
    ['javascript:alert(1)', undefined],
    ['\\\\evil.example', undefined],
    ['/\t/evil.example', undefined],
    ['/\n/evil.example', undefined],
    ['http:/evil.example', undefined],
    [' /admin/users', undefined],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    [42, undefined],
    [undefined, undefined],
  ])('%s → %s', (candidate, expected) => {
    expect(safeReturnPath(candidate)).toBe(expected);
  });
});
