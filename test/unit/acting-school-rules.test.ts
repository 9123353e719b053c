import { Types } from 'mongoose';
import { toSessionUser } from '../../src/features/accounts/accounts.service';
import { actingSchoolFor, canActForSchool, mustChooseActingSchool, type Role, type SessionUser } from '../../src/web/identity';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);
const C = 'c'.repeat(24);

const user = (role: Role, schoolIds: string[], actingSchoolId?: string): SessionUser => ({
  id: 'f'.repeat(24),
  name: 'n',
  email: 'e@x.example',
  role,
  schoolIds,
  actingSchoolId,
  mustChangePassword: false,
});

describe('the school a school user acts for', () => {
  it('is their only school, with nothing chosen: no extra step for someone of one school', () => {
    expect(actingSchoolFor([A], undefined)).toBe(A);
  });

  it('is the school chosen in the session while they are linked to it', () => {
    expect(actingSchoolFor([A, B], B)).toBe(B);
    expect(actingSchoolFor([A], A)).toBe(A);
  });

  it('is none for someone of several schools who has not chosen', () => {
    expect(actingSchoolFor([A, B], undefined)).toBeUndefined();
  });

  it('forgets a choice of a school they are no longer linked to: their only school, or none until they choose again', () => {
    expect(actingSchoolFor([A], B)).toBe(A);
    expect(actingSchoolFor([A, C], B)).toBeUndefined();
  });

  it('is none for someone linked to no school', () => {
    expect(actingSchoolFor([], A)).toBeUndefined();
    expect(actingSchoolFor([], undefined)).toBeUndefined();
  });
});

describe('who may act for a school', () => {
  it('is a school user linked to it, and nobody else', () => {
    expect(canActForSchool(user('school', [A, B]), B)).toBe(true);
    expect(canActForSchool(user('school', [A, B]), C)).toBe(false);
    for (const role of ['sip', 'provider', 'traded_services'] as const) expect(canActForSchool(user(role, [A]), A)).toBe(false);
  });
});

describe('who must choose a school first', () => {
  it('is a school user of several schools acting for none', () => {
    expect(mustChooseActingSchool(user('school', [A, B]))).toBe(true);
    expect(mustChooseActingSchool(user('school', [A, B], A))).toBe(false);
    expect(mustChooseActingSchool(user('school', [A], A))).toBe(false);
    expect(mustChooseActingSchool(user('sip', []))).toBe(false);
  });
});

describe('the signed-in user, from the stored account', () => {
  const stored = (role: Role, schools?: Types.ObjectId[]) => ({ _id: new Types.ObjectId(), name: 'n', email: 'e@x.example', role, schools, mustChangePassword: false });

  it('acts for the only school of a one-school user at once', () => {
    const school = new Types.ObjectId();
    expect(toSessionUser(stored('school', [school]))).toMatchObject({ schoolIds: [school.toString()], actingSchoolId: school.toString() });
  });

  it('waits for a user of several schools to choose', () => {
    const schools = [new Types.ObjectId(), new Types.ObjectId()];
    expect(toSessionUser(stored('school', schools))).toMatchObject({ schoolIds: schools.map(String), actingSchoolId: undefined });
  });

  it('gives other roles no school, whatever is stored', () => {
    expect(toSessionUser(stored('sip', [new Types.ObjectId()]))).toMatchObject({ schoolIds: [], actingSchoolId: undefined });
    expect(toSessionUser(stored('provider'))).toMatchObject({ schoolIds: [], actingSchoolId: undefined });
  });
});
