import { detectContentType } from '../../src/features/listings/file-content';
import { changedReviewedFields } from '../../src/features/listings/listing-revisions';
import { isListedInDirectory, nextReviewDate, reviewStateOf } from '../../src/features/listings/listing-visibility';
import { listingFormSchema } from '../../src/features/listings/listings.schemas';

const day = 86_400_000;
const now = new Date('2026-03-01T12:00:00Z');

describe('isListedInDirectory', () => {
  it.each([
    ['approved, no review date', { status: 'approved' }, true],
    ['approved, review in future', { status: 'approved', reviewDueOn: new Date(now.getTime() + day) }, true],
    ['approved, overdue within grace', { status: 'approved', reviewDueOn: new Date(now.getTime() - 10 * day) }, true],
    ['approved, past grace', { status: 'approved', reviewDueOn: new Date(now.getTime() - 31 * day) }, false],
    ['suspended', { status: 'suspended' }, false],
    ['draft', { status: 'draft' }, false],
    ['submitted', { status: 'submitted' }, false],
    ['rejected', { status: 'rejected' }, false],
  ])('%s', (_name, listing, expected) => {
    expect(isListedInDirectory(listing, now, 30)).toBe(expected);
  });

  it('uses the grace period given', () => {
    expect(isListedInDirectory({ status: 'approved', reviewDueOn: new Date(now.getTime() - 10 * day) }, now, 5)).toBe(false);
  });
});

describe('review dates', () => {
  it('is due when the designation expires, or after the set period', () => {
    const expiry = new Date('2028-08-31T00:00:00Z');
    expect(nextReviewDate(expiry, now, 24)).toEqual(expiry);
    expect(nextReviewDate(undefined, now, 24)).toEqual(new Date('2028-03-01T12:00:00Z'));
  });

  it('flags overdue, then hidden after the grace period', () => {
    expect(reviewStateOf(new Date(now.getTime() + day), now, 30)).toBe('not_due');
    expect(reviewStateOf(new Date(now.getTime() - day), now, 30)).toBe('overdue');
    expect(reviewStateOf(new Date(now.getTime() - 40 * day), now, 30)).toBe('hidden');
  });
});

describe('changedReviewedFields', () => {
  it('ignores list order, blanks and capacity, and finds type, expertise and designation changes', () => {
    const live = { name: 'A', providerType: 'sle', expertise: ['a', 'b'], organisation: undefined, designation: { expiresOn: new Date('2030-01-01') } };
    expect(changedReviewedFields(live, { ...live, expertise: ['b', 'a'], organisation: '' })).toEqual([]);
    expect(changedReviewedFields(live, { ...live, providerType: 'lle', expertise: ['a'], designation: { expiresOn: new Date('2031-01-01') } })).toEqual([
      'providerType',
      'expertise',
      'designation',
    ]);
  });
});

describe('detectContentType', () => {
  it.each([
    [Buffer.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'image/png'],
    [Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [Buffer.from('%PDF-1.7'), 'application/pdf'],
    [Buffer.from('MZ\x90\x00'), undefined],
    [Buffer.from('<svg><script>alert(1)</script></svg>'), undefined],
    [Buffer.alloc(0), undefined],
  ])('recognises %#', (bytes, expected) => {
    expect(detectContentType(bytes)).toBe(expected);
  });
});

describe('listingFormSchema', () => {
  const base = {
    name: 'A', providerType: 'traded_service', summary: 'S', experience: 'E', expertise: 'governance', phases: ['primary'],
    offers: 'training', capacityDays: '5', capacityPeriod: 'year', fundedByLa: 'yes', contactEmail: 'A@Example.org',
  };

  it('normalises checkboxes, email and funding', () => {
    const parsed = listingFormSchema.parse(base);
    expect(parsed).toMatchObject({ expertise: ['governance'], contact: { email: 'a@example.org' }, fundedByLa: true, dailyRatePence: undefined });
  });

  it('needs a rate unless LA-funded, and designation dates for designated types', () => {
    const result = listingFormSchema.safeParse({ ...base, fundedByLa: 'no', providerType: 'nle' });
    const fields = result.error!.issues.map((issue) => issue.path[0]);
    expect(fields).toEqual(expect.arrayContaining(['dailyRate', 'designationAwarded', 'designationExpires']));
  });

  it('publishes no contact details as open data unless ticked, and only details that are given', () => {
    expect(listingFormSchema.parse(base).contact.openData).toEqual([]);
    expect(listingFormSchema.parse({ ...base, contactOpenData: ['email', 'email'] }).contact.openData).toEqual(['email']);
    const refused = (form: Record<string, unknown>) => listingFormSchema.safeParse(form).error?.issues.map((issue) => [issue.path[0], issue.message]);
    expect(refused({ ...base, contactOpenData: ['phone'] })).toEqual([['contactOpenData', 'Enter a contact telephone number to publish it, or untick it']]);
    expect(refused({ ...base, contactOpenData: 'route' })).toEqual([['contactOpenData', 'Say how to get in touch to publish it, or untick it']]);
    expect(refused({ ...base, contactOpenData: ['name'] })).toEqual([['contactOpenData', 'Select what to publish from the list']]);
    expect(listingFormSchema.parse({ ...base, contactPhone: '01632 960 001', contactOpenData: 'phone' }).contact).toMatchObject({ phone: '01632 960 001', openData: ['phone'] });
  });

  it('refuses a summary over 400 characters', () => {
    expect(listingFormSchema.safeParse({ ...base, summary: 'x'.repeat(401) }).success).toBe(false);
  });
});
