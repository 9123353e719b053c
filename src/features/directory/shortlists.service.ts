import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { userName } from '../accounts/accounts.service';
import { recordAudit } from '../audit/audit.service';
import { handoutDetailsOf, type HandoutDetails } from '../listings/listing-handout';
import { findListings } from '../listings/listing-reads';
import { isInSipCaseload } from '../schools/school-access';
import { caseloadSchoolNames } from '../schools/sip-caseload';
import { findSchoolById, findSchoolByUrn, schoolExists } from '../schools/school-reads';
import type { DirectoryService } from './directory.service';
import type { ResultView } from './result-view';
import { Shortlist, ShortlistEntry } from './shortlist.model';
import type { NewShortlistForm } from './shortlists.schemas';

type ShortlistRecord = { _id: Types.ObjectId; author: Types.ObjectId; school: Types.ObjectId };

/** Roles that make shortlists: SIPs and schools for visits and planning, Traded Services when brokering. */
export function canMakeShortlists(user: SessionUser): boolean {
  return user.role === 'sip' || user.role === 'school' || user.role === 'traded_services';
}

/**
 * Whether this person may make a shortlist for this school. A school user: only their own school.
 * A SIP: a school in their caseload. Traded Services: any school. Providers: never.
 */
export async function canShortlistForSchool(user: SessionUser, schoolId: string): Promise<boolean> {
  if (!Types.ObjectId.isValid(schoolId)) return false;
  switch (user.role) {
    case 'school':
      return user.actingSchoolId === schoolId;
    case 'sip': {
      const school = await findSchoolById(schoolId, { sip: 1 });
      return !!school && isInSipCaseload(user, school);
    }
    case 'traded_services':
      return schoolExists(schoolId);
    default:
      return false;
  }
}

/**
 * A shortlist is private to its author and to the users of the school it is for. A school user sees it
 * while acting for that school, whoever wrote it: not for another of their schools, nor once unlinked.
 */
export function canViewShortlist(user: SessionUser, shortlist: ShortlistRecord): boolean {
  if (user.role === 'school') return user.actingSchoolId === shortlist.school.toString();
  return shortlist.author.toString() === user.id;
}

/** Only the author changes a shortlist, and only while they may still shortlist for its school. */
export async function canChangeShortlist(user: SessionUser, shortlist: ShortlistRecord): Promise<boolean> {
  return shortlist.author.toString() === user.id && (await canShortlistForSchool(user, shortlist.school.toString()));
}

export type ShortlistSummary = { id: string; title: string; schoolName: string; authorName: string; mine: boolean; updatedAt: Date };

const SHORTLISTS_SHOWN = 200;

/** The shortlists this person may see: their own or, for a school user, those made for the school they act for. */
export async function shortlistsFor(user: SessionUser): Promise<ShortlistSummary[]> {
  if (!canMakeShortlists(user)) throw new NotAllowedError();
  const visible = user.role === 'school' ? (user.actingSchoolId ? { school: new Types.ObjectId(user.actingSchoolId) } : undefined) : { author: new Types.ObjectId(user.id) };
  if (!visible) return [];
  const shortlists = await Shortlist.find(visible)
    .sort({ updatedAt: -1 })
    .limit(SHORTLISTS_SHOWN)
    .populate<{ school: { name: string } | null }>('school', 'name')
    .populate<{ author: { _id: Types.ObjectId; name: string } | null }>('author', 'name')
    .lean();
  return shortlists.map((shortlist) => ({
    id: shortlist._id.toString(),
    title: shortlist.title,
    schoolName: shortlist.school?.name ?? 'Unknown school',
    authorName: shortlist.author?.name ?? 'Unknown',
    mine: shortlist.author?._id.toString() === user.id,
    updatedAt: shortlist.updatedAt,
  }));
}

/**
 * How this person says which school a new shortlist is for: a school user's is their own; a SIP picks one of
 * their caseload by name; Traded Services, who may shortlist for any school, give its URN.
 */
export type SchoolChoice = { by: 'own' } | { by: 'caseload'; schools: { urn: string; name: string }[] } | { by: 'urn' };

export async function schoolChoiceFor(user: SessionUser): Promise<SchoolChoice> {
  if (!canMakeShortlists(user)) throw new NotAllowedError();
  if (user.role === 'school') return { by: 'own' };
  if (user.role === 'sip') return { by: 'caseload', schools: await caseloadSchoolNames(user.id) };
  return { by: 'urn' };
}

export type CreateShortlistResult = { ok: true; id: string } | { ok: false; field: 'schoolUrn'; message: string };

export async function createShortlist(user: SessionUser, form: NewShortlistForm, directory: DirectoryService): Promise<CreateShortlistResult> {
  if (!canMakeShortlists(user)) throw new NotAllowedError();
  let schoolId = user.role === 'school' ? user.actingSchoolId : undefined;
  if (user.role !== 'school') {
    if (!form.schoolUrn) return { ok: false, field: 'schoolUrn', message: user.role === 'sip' ? 'Select the school this shortlist is for' : 'Enter the school’s URN' };
    const school = await findSchoolByUrn(form.schoolUrn, { _id: 1 });
    if (!school) return { ok: false, field: 'schoolUrn', message: 'No school has this URN' };
    schoolId = school._id.toString();
  }
  if (!schoolId || !(await canShortlistForSchool(user, schoolId))) {
    return { ok: false, field: 'schoolUrn', message: 'You cannot make shortlists for this school' };
  }
  const shortlist = await Shortlist.create({ title: form.title, school: schoolId, author: user.id });
  await recordAudit({ actor: new Types.ObjectId(user.id), action: 'shortlist_created', subjectType: 'Shortlist', subjectId: shortlist._id });
  if (form.listing) await addToShortlist(user, shortlist.id as string, form.listing, form.note, directory);
  return { ok: true, id: shortlist.id as string };
}

async function findShortlist(shortlistId: string) {
  if (!Types.ObjectId.isValid(shortlistId)) throw new NotFoundError();
  const shortlist = await Shortlist.findById(shortlistId).lean();
  if (!shortlist) throw new NotFoundError();
  return shortlist;
}

async function changeableShortlist(user: SessionUser, shortlistId: string) {
  const shortlist = await findShortlist(shortlistId);
  if (!(await canChangeShortlist(user, shortlist))) throw new NotAllowedError();
  return shortlist;
}

/** The shortlists this person may add a provider to. */
export async function changeableShortlists(user: SessionUser): Promise<ShortlistSummary[]> {
  return (await shortlistsFor(user)).filter((shortlist) => shortlist.mine);
}

/** Adds a provider that is in the directory, or updates its note if it is already there. */
export async function addToShortlist(user: SessionUser, shortlistId: string, listingId: string, note: string, directory: DirectoryService): Promise<void> {
  const shortlist = await changeableShortlist(user, shortlistId);
  if (!Types.ObjectId.isValid(listingId) || !(await directory.listedProvider(listingId))) throw new NotFoundError();
  await ShortlistEntry.updateOne({ shortlist: shortlist._id, listing: listingId }, { $set: { note } }, { upsert: true });
  await recordEntryChange(user, shortlist._id, 'shortlist_provider_added', listingId);
}

export async function updateNote(user: SessionUser, shortlistId: string, listingId: string, note: string): Promise<void> {
  const shortlist = await changeableShortlist(user, shortlistId);
  if (!Types.ObjectId.isValid(listingId)) throw new NotFoundError();
  const result = await ShortlistEntry.updateOne({ shortlist: shortlist._id, listing: listingId }, { $set: { note } });
  if (result.matchedCount === 0) throw new NotFoundError();
  await touch(shortlist._id);
}

export async function removeFromShortlist(user: SessionUser, shortlistId: string, listingId: string): Promise<void> {
  const shortlist = await changeableShortlist(user, shortlistId);
  if (!Types.ObjectId.isValid(listingId)) throw new NotFoundError();
  const result = await ShortlistEntry.deleteOne({ shortlist: shortlist._id, listing: listingId });
  if (result.deletedCount === 0) return;
  await recordEntryChange(user, shortlist._id, 'shortlist_provider_removed', listingId);
}

/** A provider added to or removed from a shortlist: the list counts as changed, and the audit trail says so. */
async function recordEntryChange(user: SessionUser, shortlistId: Types.ObjectId, action: string, listingId: string): Promise<void> {
  await touch(shortlistId);
  await recordAudit({ actor: new Types.ObjectId(user.id), action, subjectType: 'Shortlist', subjectId: shortlistId, changes: { listing: listingId } });
}

function touch(shortlistId: Types.ObjectId) {
  return Shortlist.updateOne({ _id: shortlistId }, { $set: { updatedAt: new Date() } });
}

export type ShortlistEntryView = {
  listingId: string;
  note: string;
  provider: ResultView | null;
  /** How to reach a listed provider and who recommends them, for the printed handout. */
  handout: HandoutDetails | null;
  name: string;
};

export type ShortlistView = {
  id: string;
  title: string;
  schoolName: string;
  schoolUrn: string;
  authorName: string;
  canChange: boolean;
  entries: ShortlistEntryView[];
};

/** A shortlist with its providers as the directory shows them now; one no longer listed says so. */
export async function viewShortlist(user: SessionUser, shortlistId: string, directory: DirectoryService): Promise<ShortlistView> {
  const shortlist = await findShortlist(shortlistId);
  if (!canViewShortlist(user, shortlist)) throw new NotAllowedError();
  const [school, author, entries] = await Promise.all([
    findSchoolById(shortlist.school, { name: 1, urn: 1 }),
    userName(shortlist.author),
    ShortlistEntry.find({ shortlist: shortlist._id }).sort({ createdAt: 1 }).lean(),
  ]);
  const providers = await Promise.all(entries.map((entry) => directory.listedProvider(entry.listing.toString())));
  const unlisted = entries.filter((_, i) => !providers[i]).map((entry) => entry.listing);
  const listed = entries.filter((_, i) => providers[i]).map((entry) => entry.listing.toString());
  const [unlistedListings, handouts] = await Promise.all([findListings(unlisted, { name: 1 }), handoutDetailsOf(listed)]);
  const names = new Map(unlistedListings.map((listing) => [listing._id.toString(), listing.name]));
  return {
    id: shortlist._id.toString(),
    title: shortlist.title,
    schoolName: school?.name ?? 'Unknown school',
    schoolUrn: school?.urn ?? '',
    authorName: author ?? 'Unknown',
    canChange: await canChangeShortlist(user, shortlist),
    entries: entries.map((entry, i) => ({
      listingId: entry.listing.toString(),
      note: entry.note,
      provider: providers[i] ?? null,
      handout: handouts.get(entry.listing.toString()) ?? null,
      name: providers[i]?.name ?? names.get(entry.listing.toString()) ?? 'A provider no longer in the directory',
    })),
  };
}
