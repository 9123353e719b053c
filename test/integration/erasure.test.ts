import type { Express } from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/features/accounts/user.model';
import { SUSPENDED_ON_ERASURE } from '../../src/features/privacy/erasure.service';
import { AuditEntry } from '../../src/features/audit/audit.model';
import { SecurityEvent } from '../../src/features/accounts/security-event.model';
import { Commission } from '../../src/features/commissions/commission.model';
import { Feedback } from '../../src/features/commissions/feedback/feedback.model';
import { Listing } from '../../src/features/listings/listing.model';
import { StoredFile } from '../../src/features/listings/stored-file.model';
import { paths } from '../../src/paths';
import { askForPasswordReset, buildTestApp } from '../support/app';
import { createListing } from '../support/commission-factories';
import { resetSignInLimits, useTestDatabase } from '../support/database';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { signedInAgent, submitForm, type Agent } from '../support/http';
import { providerAndSchoolWorld } from '../support/personal-data-fixtures';

useTestDatabase();
beforeEach(resetSignInLimits);

/** Every document in every collection, as text: where a personal detail could be left behind. */
async function everythingStored(): Promise<string> {
  const db = mongoose.connection.db!;
  const collections = await db.listCollections().toArray();
  const dumps = await Promise.all(collections.map(async ({ name }) => `${name}: ${JSON.stringify(await db.collection(name).find().toArray())}`));
  return dumps.join('\n');
}

describe('erasing a departed user', () => {
  let app: Express;
  let admin: Agent;
  let adminId: string;
  let world: Awaited<ReturnType<typeof providerAndSchoolWorld>>;
  let sharedListingId: string;
  let providerSession: Agent;
  /** A pen portrait under the provider's own name, and its photo; and a photo on the service's listing. */
  let personal: { listingId: string; photoId: string; servicePhotoId: string };

  beforeAll(async () => {
    app = buildTestApp();
    const adminUser = await createUser('traded_services');
    adminId = adminUser.id as string;
    admin = await signedInAgent(app, adminUser.email);
    world = await providerAndSchoolWorld('Petra', '07700 900555');
    // A listing kept with a colleague stays published; the provider's own stays only until erasure.
    const colleague = await createUser('provider', { name: 'Colin Colleague' });
    sharedListingId = (await createListing([world.provider._id, colleague._id], { name: 'Shared Literacy Team' })).id as string;
    const personalListing = await createListing([world.provider._id], { name: 'Petra Provider Person', status: 'draft' });
    const photo = await StoredFile.create({ listing: personalListing._id, kind: 'photo', filename: 'petra.jpg', contentType: 'image/jpeg', size: 3, data: Buffer.from([0xff, 0xd8, 0xff]) });
    await Listing.updateOne({ _id: personalListing._id }, { $set: { photo: photo._id } });
    const servicePhoto = await StoredFile.create({ listing: world.listing._id, kind: 'photo', filename: 'team.jpg', contentType: 'image/jpeg', size: 3, data: Buffer.from([0xff, 0xd8, 0xff]) });
    await Listing.updateOne({ _id: world.listing._id }, { $set: { photo: servicePhoto._id } });
    personal = { listingId: personalListing.id as string, photoId: photo.id as string, servicePhotoId: servicePhoto.id as string };
    providerSession = await signedInAgent(app, world.provider.email);
    await askForPasswordReset(app, world.provider.email);
    // Typed at a failed sign-in before the account existed, and an invitation recorded by an earlier version.
    await SecurityEvent.create({ at: new Date(), type: 'sign_in_failed', email: world.provider.email, detail: 'no account has this email address', ip: '10.1.1.1', userAgent: 'curl/8' });
    await AuditEntry.create({ actor: adminUser._id, action: 'user_invited', subjectType: 'User', subjectId: world.provider._id, changes: { role: 'provider', email: world.provider.email } });
  });

  it('asks for confirmation and a reason, explaining what happens', async () => {
    const user = await admin.get(paths.admin.user(world.provider.id as string));
    expect(user.text).toContain(`href="${paths.admin.eraseUser(world.provider.id as string)}"`);
    const page = await admin.get(paths.admin.eraseUser(world.provider.id as string));
    expect(page.status).toBe(200);
    expect(page.text).toContain('Erase this person’s personal data');
    expect(page.text).toContain('You cannot undo this.');
    expect(page.text).toContain('name="reason"');

    const missing = await submitForm(admin, paths.admin.eraseUser(world.provider.id as string), { reason: '  ' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Enter why this person’s data is being erased');
    expect((await User.findById(world.provider._id).lean())!.name).toBe('Petra Provider Person');
  });

  it('refuses to let anyone erase themselves', async () => {
    expect((await admin.get(paths.admin.eraseUser(adminId))).status).toBe(403);
    expect((await submitForm(admin, paths.admin.user(adminId), { reason: 'Leaving' }, paths.admin.eraseUser(adminId))).status).toBe(403);
    expect((await User.findById(adminId).lean())!.erasedAt).toBeUndefined();
  });

  describe('once erased', () => {
    let erasedName: string;
    beforeAll(async () => {
      const response = await submitForm(admin, paths.admin.eraseUser(world.provider.id as string), { reason: 'Left the authority and asked for erasure' });
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(paths.admin.user(world.provider.id as string));
      const page = await admin.get(response.headers.location!);
      erasedName = /“(Former user [0-9a-f]{6})”/.exec(page.text)![1]!;
      expect(page.text).toContain('1 published listing they kept has been suspended');
    });

    it('leaves no trace of their name, email or phone anywhere in the database', async () => {
      const stored = await everythingStored();
      for (const detail of ['Petra Provider Person', world.provider.email, '07700 900555']) expect(stored).not.toContain(detail);
      expect(stored).toContain(erasedName);
    });

    it('keeps an anonymous, deactivated record, without a password, that cannot sign in and whose sessions have ended', async () => {
      const user = (await User.findById(world.provider._id).lean())!;
      expect(user).toMatchObject({ name: erasedName, active: false, role: 'provider', erasedAt: expect.any(Date) });
      expect(user.passwordHash).toBeUndefined();
      expect(user.email).toMatch(/@erased\.invalid$/);
      expect((await providerSession.get(paths.dashboards.provider)).headers.location).toBe(paths.signIn);
      expect((await submitForm(request.agent(app), paths.signIn, { email: world.provider.email, password: TEST_PASSWORD })).status).toBe(400);
      // Reactivating an erased account does nothing.
      await submitForm(admin, paths.admin.user(world.provider.id as string), {}, paths.admin.reactivateUser(world.provider.id as string));
      expect((await User.findById(world.provider._id).lean())!.active).toBe(false);
    });

    it('keeps the history: commissions, feedback, recommendations and listings still refer to the record, and their pages show the former user', async () => {
      expect((await Commission.findById(world.commission.id).lean())!.owners.map(String)).toEqual([world.provider.id]);
      expect(await Feedback.exists({ commission: world.commission.id })).toBeTruthy();
      expect(await AuditEntry.exists({ actor: world.provider._id, subjectType: 'Commission' })).toBeTruthy();

      const commissionPage = await admin.get(paths.commissions.commission(world.commission.id));
      expect(commissionPage.status).toBe(200);
      expect(commissionPage.text).toContain(erasedName);
      const history = await admin.get(paths.listings.history(world.listing.id as string));
      expect(history.status).toBe(200);
      expect(history.text).toContain('Suspended');
      const schoolView = await (await signedInAgent(app, world.schoolUser.email)).get(paths.commissions.commission(world.commission.id));
      expect(schoolView.status).toBe(200);
      expect((await admin.get(paths.admin.users)).text).toMatch(new RegExp(`${erasedName}</a>[\\s\\S]*?Erased`));
    });

    it('removes their photo from the listings they kept, and their name where a listing was named after them', async () => {
      const renamed = (await Listing.findById(personal.listingId).lean())!;
      expect(renamed.name).toBe(erasedName);
      expect(renamed.photo).toBeUndefined();
      expect((await Listing.findById(world.listing._id).lean())!.name).toBe('Petra Maths Service');
      expect(await StoredFile.exists({ _id: { $in: [personal.photoId, personal.servicePhotoId] } })).toBeNull();
      for (const [listing, photo] of [
        [personal.listingId, personal.photoId],
        [world.listing.id as string, personal.servicePhotoId],
      ]) {
        expect((await admin.get(paths.listings.file(listing!, photo!))).status).toBe(404);
      }
    });

    it('suspends a published listing nobody else keeps, with the reason, and leaves a shared one published', async () => {
      const own = (await Listing.findById(world.listing._id).lean())!;
      expect(own).toMatchObject({ status: 'suspended', statusReason: SUSPENDED_ON_ERASURE, contact: { route: 'Email first, please' } });
      expect((await Listing.findById(sharedListingId).lean())!.status).toBe('approved');
    });

    it('is recorded, with who erased them and why, and happens only once', async () => {
      const again = await submitForm(admin, paths.admin.user(world.provider.id as string), { reason: 'Again' }, paths.admin.eraseUser(world.provider.id as string));
      expect(again.status).toBe(302);
      expect((await admin.get(again.headers.location!)).text).toContain('already been erased');
      const erasures = await AuditEntry.find({ subjectId: world.provider._id, action: 'user_erased' }).lean();
      expect(erasures).toHaveLength(1);
      expect(erasures[0]).toMatchObject({ reason: 'Left the authority and asked for erasure' });
      expect(erasures[0]!.actor!.toString()).toBe(adminId);
      const events = await admin.get(`${paths.admin.securityEvents}?type=user_erased`);
      expect(events.text).toContain(erasedName);
    });
  });
});
