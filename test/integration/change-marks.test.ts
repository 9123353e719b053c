import mongoose from 'mongoose';
import { changeMark, markChanged, recentChangeMark } from '../../src/db/change-marks';
import { commandsSentDuring, useTestDatabase } from '../support/database';

useTestDatabase({ monitorCommands: true });

// A check made on every request (is the taxonomy I hold still current?) reads the mark at most once in
// its window; a change made through this process shows at once, another instance's once the window ends.
describe('a recently read change mark', () => {
  const marksRead = (sent: string[]) => sent.filter((command) => command === 'find directory_state').length;

  it('is read once for the calls within its window, all of them given the same mark', async () => {
    await markChanged('recent-a');
    let marks: string[] = [];
    const sent = await commandsSentDuring(async () => {
      marks = await Promise.all([recentChangeMark('recent-a', 60_000), recentChangeMark('recent-a', 60_000)]);
      marks.push(await recentChangeMark('recent-a', 60_000));
    });
    expect(marksRead(sent)).toBe(1);
    expect(new Set(marks)).toEqual(new Set([await changeMark('recent-a')]));
  });

  it('shows a change made through this process at once', async () => {
    const before = await recentChangeMark('recent-b', 60_000);
    await markChanged('recent-b');
    const after = await recentChangeMark('recent-b', 60_000);
    expect(after).not.toBe(before);
    expect(after).toBe(await changeMark('recent-b'));
  });

  it('shows a change made elsewhere once its window has passed', async () => {
    const before = await recentChangeMark('recent-c', 200);
    await mongoose.connection.db!.collection<{ _id: string }>('directory_state').updateOne({ _id: 'recent-c' }, { $set: { mark: 'set by another instance' } }, { upsert: true });
    expect(await recentChangeMark('recent-c', 200)).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await recentChangeMark('recent-c', 200)).toBe('set by another instance');
  });
});
