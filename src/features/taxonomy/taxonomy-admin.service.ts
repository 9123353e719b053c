import { Types } from 'mongoose';
import { NotAllowedError, NotFoundError } from '../../lib/errors';
import type { SessionUser } from '../../web/identity';
import { recordAudit } from '../audit/audit.service';
import { TaxonomyTerm } from './taxonomy.model';
import { TERM_KINDS, type TermKind } from './term-kinds';
import type { TermForm } from './taxonomy.schemas';
import { listingFieldFor, type TermUsage } from './term-references';

export const KIND_NAMES: Record<TermKind, { plural: string; singular: string }> = {
  category: { plural: 'Categories of support', singular: 'category' },
  need: { plural: 'Needs', singular: 'need' },
  phase: { plural: 'Phases', singular: 'phase' },
  subject: { plural: 'Subjects', singular: 'subject' },
  context: { plural: 'School contexts', singular: 'context' },
  offer: { plural: 'Types of support offered', singular: 'type of support' },
};

export function canManageTaxonomy(user: SessionUser): boolean {
  return user.role === 'traded_services';
}

function requireManager(user: SessionUser): void {
  if (!canManageTaxonomy(user)) throw new NotAllowedError();
}

export function isTermKind(kind: string): kind is TermKind {
  return (TERM_KINDS as readonly string[]).includes(kind);
}

export function slugFor(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}

export async function taxonomyOverview(user: SessionUser) {
  requireManager(user);
  return Promise.all(
    TERM_KINDS.map(async (kind) => ({
      kind,
      name: KIND_NAMES[kind].plural,
      active: await TaxonomyTerm.countDocuments({ kind, status: 'active' }),
      retired: await TaxonomyTerm.countDocuments({ kind, status: 'retired' }),
    })),
  );
}

export type TermRow = {
  slug: string;
  label: string;
  synonyms: string[];
  categories: string[];
  status: 'active' | 'retired';
  mergedInto: string | null;
  listings: number;
};

/** Every term of a list, active first, with how many listings use each. */
export async function termsOf(user: SessionUser, kind: TermKind, termUsage: TermUsage): Promise<TermRow[]> {
  requireManager(user);
  const field = listingFieldFor(kind);
  const [terms, usage] = await Promise.all([
    TaxonomyTerm.find({ kind }).sort({ status: 1, order: 1, label: 1 }).lean(),
    field ? termUsage.countsByTerm(field) : Promise.resolve([]),
  ]);
  const counts = new Map(usage.map((row) => [row._id, row.count]));
  return terms.map((term) => ({
    slug: term.slug,
    label: term.label,
    synonyms: term.synonyms ?? [],
    categories: term.categories ?? [],
    status: term.status,
    mergedInto: term.mergedInto ?? null,
    listings: counts.get(term.slug) ?? 0,
  }));
}

export async function findTerm(user: SessionUser, kind: TermKind, slug: string) {
  requireManager(user);
  const term = await TaxonomyTerm.findOne({ kind, slug }).lean();
  if (!term) throw new NotFoundError();
  // Lean reads skip schema defaults, and a term stored without synonyms or categories has none.
  return { ...term, synonyms: term.synonyms ?? [], categories: term.categories ?? [] };
}

export type TermResult = { ok: true; slug: string } | { ok: false; field: 'label' | 'categories' | 'target'; message: string };

async function unknownCategories(kind: TermKind, categories: string[]): Promise<boolean> {
  if (kind !== 'need' || categories.length === 0) return false;
  return (await TaxonomyTerm.countDocuments({ kind: 'category', status: 'active', slug: { $in: categories } })) !== categories.length;
}

export async function addTerm(user: SessionUser, kind: TermKind, form: TermForm): Promise<TermResult> {
  requireManager(user);
  const slug = slugFor(form.label);
  if (!slug) return { ok: false, field: 'label', message: 'Enter a name with at least one letter or number' };
  if (kind === 'need' && form.categories.length === 0) return { ok: false, field: 'categories', message: 'Select the categories that address this need' };
  if (await unknownCategories(kind, form.categories)) return { ok: false, field: 'categories', message: 'Select categories from the list' };
  const last = await TaxonomyTerm.findOne({ kind }).sort({ order: -1 }).lean();
  try {
    const term = await TaxonomyTerm.create({
      kind,
      slug,
      label: form.label,
      synonyms: form.synonyms,
      categories: kind === 'need' ? form.categories : [],
      order: (last?.order ?? -1) + 1,
    });
    await recordAudit({ actor: new Types.ObjectId(user.id), action: 'term_added', subjectType: 'TaxonomyTerm', subjectId: term._id, changes: { kind, slug, label: form.label } });
    return { ok: true, slug };
  } catch (error) {
    if ((error as { code?: number }).code === 11000) return { ok: false, field: 'label', message: `There is already a ${KIND_NAMES[kind].singular} with this name` };
    throw error;
  }
}

/** Renaming changes the label (and synonyms, and a need's categories); the slug, which records refer to, stays. */
export async function updateTerm(user: SessionUser, kind: TermKind, slug: string, form: TermForm): Promise<TermResult> {
  requireManager(user);
  if (kind === 'need' && form.categories.length === 0) return { ok: false, field: 'categories', message: 'Select the categories that address this need' };
  if (await unknownCategories(kind, form.categories)) return { ok: false, field: 'categories', message: 'Select categories from the list' };
  const before = await TaxonomyTerm.findOneAndUpdate(
    { kind, slug, mergedInto: { $exists: false } },
    { $set: { label: form.label, synonyms: form.synonyms, ...(kind === 'need' ? { categories: form.categories } : {}) } },
  );
  if (!before) throw new NotFoundError();
  await recordAudit({
    actor: new Types.ObjectId(user.id),
    action: 'term_updated',
    subjectType: 'TaxonomyTerm',
    subjectId: before._id,
    changes: { label: { from: before.label, to: form.label }, synonyms: { from: before.synonyms, to: form.synonyms } },
  });
  return { ok: true, slug };
}

/** A retired term leaves forms and filters; what already refers to it still resolves. */
export async function setTermRetired(user: SessionUser, kind: TermKind, slug: string, retired: boolean): Promise<boolean> {
  requireManager(user);
  const changed = await TaxonomyTerm.findOneAndUpdate(
    { kind, slug, status: retired ? 'active' : 'retired', mergedInto: { $exists: false } },
    { $set: { status: retired ? 'retired' : 'active' } },
  );
  if (!changed) {
    if (!(await TaxonomyTerm.exists({ kind, slug }))) throw new NotFoundError();
    return false;
  }
  await recordAudit({ actor: new Types.ObjectId(user.id), action: retired ? 'term_retired' : 'term_reinstated', subjectType: 'TaxonomyTerm', subjectId: changed._id });
  return true;
}

/**
 * Merges one term into another: the source is retired pointing at the target (so old references
 * resolve), its names become the target's synonyms, and records holding the source slug get the
 * target instead, in two single-document-safe steps per field: add the target, then pull the source.
 */
export async function mergeTerm(user: SessionUser, kind: TermKind, source: string, target: string, usage: TermUsage): Promise<TermResult & { listingsUpdated?: number }> {
  requireManager(user);
  if (source === target) return { ok: false, field: 'target', message: 'Select a different term to merge into' };
  const targetTerm = await TaxonomyTerm.findOne({ kind, slug: target, status: 'active' }).lean();
  if (!targetTerm) return { ok: false, field: 'target', message: 'Select a term from the list' };
  const sourceTerm = await TaxonomyTerm.findOneAndUpdate({ kind, slug: source, mergedInto: { $exists: false } }, { $set: { status: 'retired', mergedInto: target } });
  if (!sourceTerm) throw new NotFoundError();

  const names = [...new Set([sourceTerm.label.toLowerCase(), ...(sourceTerm.synonyms ?? [])])].filter((name) => name !== targetTerm.label.toLowerCase());
  await TaxonomyTerm.updateOne({ _id: targetTerm._id }, { $addToSet: { synonyms: { $each: names } } });

  let listingsUpdated = 0;
  const field = listingFieldFor(kind);
  if (field) listingsUpdated = await usage.replaceTerm(field, source, target);
  if (kind === 'category') {
    await TaxonomyTerm.updateMany({ kind: 'need', categories: source }, { $addToSet: { categories: target } });
    await TaxonomyTerm.updateMany({ kind: 'need', categories: source }, { $pull: { categories: source } });
  }
  await recordAudit({
    actor: new Types.ObjectId(user.id),
    action: 'term_merged',
    subjectType: 'TaxonomyTerm',
    subjectId: sourceTerm._id,
    changes: { into: target, listingsUpdated },
  });
  return { ok: true, slug: target, listingsUpdated };
}
