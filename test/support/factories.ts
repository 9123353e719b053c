import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/features/accounts/passwords';
import type { Role } from '../../src/web/identity';
import { User } from '../../src/features/accounts/user.model';
import { School } from '../../src/features/schools/school.model';

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

export async function createSchool(overrides: Partial<{ urn: string; name: string; grid: { easting: number; northing: number }; status: string; sip: unknown }> = {}) {
  const urn = overrides.urn ?? String(800000 + Math.floor(Math.random() * 99999));
  return School.create({ localAuthority: 'Testshire', phase: 'Primary', ...overrides, urn, name: overrides.name ?? `Test School ${urn}` });
}

export async function createUser(
  role: Role,
  overrides: Partial<{ email: string; name: string; active: boolean; mustChangePassword: boolean; school: unknown; schools: unknown[] }> = {},
) {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  // A school user gets a school of their own unless given one (school) or several (schools).
  const schools = role === 'school' ? (overrides.schools ?? [overrides.school ?? (await createSchool())._id]) : undefined;
  return User.create({
    email: overrides.email ?? `${role}.${randomBytes(4).toString('hex')}@test.example`,
    name: overrides.name ?? `Test ${role}`,
    role,
    schools,
    passwordHash: await passwordHash,
    active: overrides.active ?? true,
    mustChangePassword: overrides.mustChangePassword ?? false,
  });
}
