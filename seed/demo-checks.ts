import type { Types } from 'mongoose';
import { addMonths, startOfUtcDay } from '../src/lib/dates';
import { CheckRequirements } from '../src/features/listings/checks/check-requirements.model';
import type { CheckKind } from '../src/features/listings/checks/check-kinds';
import { refreshCheckSummary } from '../src/features/listings/checks/check-standing';
import { ProviderCheck } from '../src/features/listings/checks/provider-check.model';
import { Listing } from '../src/features/listings/listing.model';
import type { ProviderType } from '../src/features/listings/listing-vocabulary';
import { StoredFile } from '../src/features/listings/stored-file.model';

/**
 * Anyshire's own vetting rules, filled in as an LA would (the source documents give none): people who
 * work in schools need an enhanced DBS check, accepted for 36 months, and safeguarding training, accepted
 * for 24; traded services need insurance and a data-processing agreement. Good-practice schools, vetted
 * as schools, need none.
 */
const PEOPLE: ProviderType[] = ['nle', 'lle', 'sle', 'ast', 'lead_professional', 'professional_partner'];
export const DEMO_CHECK_REQUIREMENTS = {
  requiredFor: { dbs: PEOPLE, safeguarding: PEOPLE, insurance: ['traded_service'], dpa: ['traded_service'] } as Record<CheckKind, ProviderType[]>,
  acceptedMonths: { dbs: 36, safeguarding: 24 },
};

/** Whose safeguarding training runs out within the month, so the reminders and Traded Services' queue have something to show. */
export const DEMO_CHECK_DUE_SOON = { listing: 'Priya Shah, Local Leader of Education', kind: 'safeguarding' as const, daysLeft: 20 };

const DAY = 24 * 60 * 60 * 1000;

/** A one-page PDF saying what it stands for, so a demo evidence link opens. */
export function demoEvidencePdf(title: string): Buffer {
  const text = title.replace(/[()\\]/g, '');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    (() => {
      const stream = `BT /F1 14 Tf 72 770 Td (Demo evidence: ${text}) Tj ET`;
      return `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
    })(),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The facts of a demo check verified and current today (one due soon: DEMO_CHECK_DUE_SOON). */
function demoFacts(kind: CheckKind, today: Date, dueSoon: boolean) {
  switch (kind) {
    case 'dbs':
      return { datedOn: addMonths(today, -14), updateService: true };
    case 'safeguarding':
      return { datedOn: dueSoon ? new Date(addMonths(today, -DEMO_CHECK_REQUIREMENTS.acceptedMonths.safeguarding).getTime() + DEMO_CHECK_DUE_SOON.daysLeft * DAY) : addMonths(today, -6) };
    case 'insurance':
      return { endsOn: addMonths(today, 8) };
    case 'dpa':
      return { datedOn: addMonths(today, -10) };
  }
}

/**
 * Idempotent: the rules are set only if Traded Services have set none, and each listing gets a check of
 * a kind it needs only if it has none, verified by the demo Traded Services user; then every listing's
 * summary is brought up to date.
 */
export async function seedDemoChecks(tradedServices: Types.ObjectId): Promise<void> {
  await CheckRequirements.updateOne({ key: 'current' }, { $setOnInsert: { key: 'current', ...DEMO_CHECK_REQUIREMENTS } }, { upsert: true });
  const now = new Date();
  const today = startOfUtcDay(now);
  const listings = await Listing.find({}, { name: 1, providerType: 1, owners: 1 }).lean();
  for (const listing of listings) {
    for (const kind of Object.keys(DEMO_CHECK_REQUIREMENTS.requiredFor) as CheckKind[]) {
      if (!DEMO_CHECK_REQUIREMENTS.requiredFor[kind].includes(listing.providerType)) continue;
      if (await ProviderCheck.exists({ listing: listing._id, kind })) continue;
      const data = demoEvidencePdf(`${kind} check for ${listing.name}`);
      const file = await StoredFile.create({ listing: listing._id, kind: 'check', filename: `${kind}-evidence.pdf`, contentType: 'application/pdf', size: data.length, data, uploadedBy: listing.owners[0] });
      const dueSoon = listing.name === DEMO_CHECK_DUE_SOON.listing && kind === DEMO_CHECK_DUE_SOON.kind;
      const sentAt = new Date(now.getTime() - 30 * DAY);
      await ProviderCheck.create({
        listing: listing._id,
        kind,
        verified: { ...demoFacts(kind, today, dueSoon), evidence: file._id, submittedBy: listing.owners[0], submittedAt: sentAt, verifiedBy: tradedServices, verifiedAt: new Date(sentAt.getTime() + 2 * DAY) },
      });
    }
    await refreshCheckSummary(listing._id, now);
  }
}
