import { Listing } from '../../src/features/listings/listing.model';
import { markWaitingRevisionsOnce } from '../../src/features/listings/revision-markers';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';

useTestDatabase();

describe('marking revisions written before listings carried revisionState', () => {
  it('marks each waiting revision once, leaving timestamps and other listings alone, and does not look again', async () => {
    const waiting = await createListedListing({ pendingRevision: { fields: { name: 'Renamed' }, changed: ['name'], submittedAt: new Date() } });
    const settled = await createListedListing();
    const updatedAt = (await Listing.findById(waiting._id).lean())!.updatedAt;

    await markWaitingRevisionsOnce();
    const marked = (await Listing.findById(waiting._id).lean())!;
    expect(marked.revisionState).toBe('waiting');
    expect(marked.updatedAt).toEqual(updatedAt);
    expect((await Listing.findById(settled._id).lean())!.revisionState).toBeUndefined();

    const later = await createListedListing({ pendingRevision: { fields: {}, changed: [], submittedAt: new Date() } });
    await markWaitingRevisionsOnce();
    expect((await Listing.findById(later._id).lean())!.revisionState).toBeUndefined();
  });
});
