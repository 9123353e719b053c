import { Types } from 'mongoose';
import type { SessionUser } from '../../src/web/identity';
import { ROLES, type Role } from '../../src/web/identity';
import {
  canBrokerForSchool,
  canSeeCommissionReports,
  canSeeSupportLevel,
  canViewCommission,
  partiesOf,
} from '../../src/features/commissions/commission-access';
import { Listing } from '../../src/features/listings/listing.model';
import { School } from '../../src/features/schools/school.model';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const schoolId = new Types.ObjectId();
const ownerId = new Types.ObjectId();
const listingId = new Types.ObjectId();
const commission = { school: schoolId, listing: listingId, owners: [ownerId], brokeredBy: null };

const ownSchool = (role: Role) => (role === 'school' ? new Types.ObjectId().toString() : undefined);
const actingFor = (school: string) => ({ schoolIds: [school], actingSchoolId: school });

const userWithRole = (role: Role, overrides: Partial<SessionUser> = {}, school = ownSchool(role)): SessionUser => ({
  id: new Types.ObjectId().toString(),
  name: 'n',
  email: 'e@x.example',
  role,
  schoolIds: school ? [school] : [],
  actingSchoolId: school,
  mustChangePassword: false,
  ...overrides,
});

describe('who may see and act on a commission', () => {
  beforeAll(async () => {
    await Listing.create({ _id: listingId, name: 'Access listing', providerType: 'sle', owners: [ownerId], status: 'approved' });
  });

  it('lets its own school, its listing owner and Traded Services see it', async () => {
    expect(await canViewCommission(userWithRole('school', actingFor(schoolId.toString())), commission)).toBe(true);
    expect(await canViewCommission(userWithRole('provider', { id: ownerId.toString() }), commission)).toBe(true);
    expect(await canViewCommission(userWithRole('traded_services'), commission)).toBe(true);
  });

  it.each(ROLES.filter((role) => role !== 'traded_services'))('refuses any other %s (a SIP until the school is in their caseload)', async (role) => {
    expect(await canViewCommission(userWithRole(role), commission)).toBe(false);
    expect(await partiesOf(userWithRole(role), commission)).toEqual([]);
  });

  it('puts each viewer on their own side only', async () => {
    expect(await partiesOf(userWithRole('school', actingFor(schoolId.toString())), commission)).toEqual(['school']);
    expect(await partiesOf(userWithRole('provider', { id: ownerId.toString() }), commission)).toEqual(['provider']);
    const broker = userWithRole('traded_services');
    expect(await partiesOf(broker, { ...commission, brokeredBy: new Types.ObjectId(broker.id) })).toEqual(['traded_services', 'broker']);
  });

  it('stops showing a provider the commissions of a listing that is no longer theirs', async () => {
    const formerOwner = userWithRole('provider', { id: ownerId.toString() });
    const newOwner = new Types.ObjectId();
    await Listing.updateOne({ _id: listingId }, { $set: { owners: [newOwner] } });
    expect(await canViewCommission(formerOwner, commission)).toBe(false);
    expect(await partiesOf(formerOwner, commission)).toEqual([]);
    await Listing.updateOne({ _id: listingId }, { $set: { owners: [ownerId] } });
    expect(await canViewCommission(formerOwner, commission)).toBe(true);
  });

  it('never shows a provider a school’s support level', () => {
    expect(ROLES.filter((role) => canSeeSupportLevel(userWithRole(role)))).toEqual(['sip', 'school', 'traded_services']);
  });

  it('lets Traded Services broker for any school, and nobody else without a caseload', async () => {
    const results = await Promise.all(ROLES.map((role) => canBrokerForSchool(userWithRole(role), schoolId.toString())));
    expect(ROLES.filter((_role, index) => results[index])).toEqual(['traded_services']);
  });

  it('lets the school’s own SIP see its commissions and broker for it, and no other SIP', async () => {
    const sip = userWithRole('sip');
    await School.create({ _id: schoolId, urn: '765432', name: 'Caseload School', sip: new Types.ObjectId(sip.id) });
    expect(await canViewCommission(sip, commission)).toBe(true);
    expect(await canBrokerForSchool(sip, schoolId.toString())).toBe(true);
    expect(await canViewCommission(userWithRole('sip'), commission)).toBe(false);
    expect(await canBrokerForSchool(userWithRole('sip'), schoolId.toString())).toBe(false);
    await School.deleteOne({ _id: schoolId });
  });

  it('shows reports to Traded Services and SIPs only', () => {
    expect(ROLES.filter((role) => canSeeCommissionReports(userWithRole(role)))).toEqual(['sip', 'traded_services']);
  });
});
