import { Types } from 'mongoose';
import { NotAllowedError } from '../../../lib/errors';
import type { SessionUser } from '../../../web/identity';
import { recordAudit } from '../../audit/audit.service';
import { canDecideListings } from '../listing-access';
import type { ProviderType } from '../listing-vocabulary';
import { CHECK_KINDS, type CheckKind } from './check-kinds';
import { CheckRequirements } from './check-requirements.model';
import type { AcceptedMonths } from './check-status';

const CURRENT = 'current';

/** The LA's vetting rules as the service uses them; `version` guards an edit against a newer save. */
export type Requirements = { requiredFor: Record<CheckKind, ProviderType[]>; accepted: AcceptedMonths; version: string | undefined };

/** The rules in force: nothing required until Traded Services set something. */
export async function currentRequirements(): Promise<Requirements> {
  const saved = await CheckRequirements.findOne({ key: CURRENT }).lean();
  const requiredFor = Object.fromEntries(CHECK_KINDS.map((kind) => [kind, (saved?.requiredFor?.[kind] ?? []) as ProviderType[]])) as Record<CheckKind, ProviderType[]>;
  return {
    requiredFor,
    accepted: { dbs: saved?.acceptedMonths?.dbs ?? null, safeguarding: saved?.acceptedMonths?.safeguarding ?? null },
    version: saved?.updatedAt.toISOString(),
  };
}

/** The checks a listing of this type needs, in the order they are shown. */
export function requiredKindsFor(requirements: Pick<Requirements, 'requiredFor'>, providerType: string): CheckKind[] {
  return CHECK_KINDS.filter((kind) => requirements.requiredFor[kind].includes(providerType as ProviderType));
}

export function canSetCheckRequirements(user: SessionUser): boolean {
  return canDecideListings(user);
}

export type RequirementsForm = { requiredFor: Record<CheckKind, ProviderType[]>; accepted: Required<AcceptedMonths>; version?: string };

/**
 * Saves the rules, on condition nobody saved them since the editor loaded them (`version`); the first
 * save creates them (the unique key refuses a second at the same moment). Returns the rules saved.
 */
export async function saveRequirements(actor: SessionUser, form: RequirementsForm): Promise<Requirements | null> {
  if (!canSetCheckRequirements(actor)) throw new NotAllowedError();
  // acceptedMonths is replaced whole, so a period emptied on the form is gone (no expiry from the date alone).
  const values = { requiredFor: form.requiredFor, acceptedMonths: { dbs: form.accepted.dbs ?? undefined, safeguarding: form.accepted.safeguarding ?? undefined } };
  const version = form.version ? new Date(form.version) : undefined;
  if (version && Number.isNaN(version.getTime())) return null;
  const saved = version
    ? await CheckRequirements.findOneAndUpdate({ key: CURRENT, updatedAt: version }, { $set: values }, { new: true })
    : await CheckRequirements.create({ key: CURRENT, ...values }).catch((error: { code?: number }) => {
        if (error.code === 11000) return null;
        throw error;
      });
  if (!saved) return null;
  await recordAudit({
    actor: new Types.ObjectId(actor.id),
    action: 'check_requirements_saved',
    subjectType: 'CheckRequirements',
    subjectId: saved._id,
    changes: { requiredFor: form.requiredFor, acceptedMonths: form.accepted },
  });
  return currentRequirements();
}
