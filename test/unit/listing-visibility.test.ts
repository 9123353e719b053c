import { isListedInDirectory } from '../../src/features/listings/listing-visibility';

describe('isListedInDirectory', () => {
  const now = new Date('2026-03-01T12:00:00Z');

  it('lists approved listings only', () => {
    for (const status of ['draft', 'submitted', 'changes_requested', 'rejected', 'suspended']) {
      expect(isListedInDirectory({ status }, now, 30)).toBe(false);
    }
    expect(isListedInDirectory({ status: 'approved' }, now, 30)).toBe(true);
    expect(isListedInDirectory({ status: 'approved', reviewDueOn: null }, now, 30)).toBe(true);
  });

  it('keeps an overdue listing through the grace days, then hides it', () => {
    const due = new Date('2026-02-01T12:00:00Z');
    expect(isListedInDirectory({ status: 'approved', reviewDueOn: due }, new Date('2026-03-03T12:00:00Z'), 30)).toBe(true);
    expect(isListedInDirectory({ status: 'approved', reviewDueOn: due }, new Date('2026-03-03T12:00:01Z'), 30)).toBe(false);
    expect(isListedInDirectory({ status: 'approved', reviewDueOn: due }, now, 0)).toBe(false);
  });
});
