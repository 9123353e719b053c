import { BoundedWork } from '../../src/lib/bounded-work';
import { BusyError } from '../../src/lib/errors';

/** A job that finishes only when told to. */
function heldJob() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { job: () => done, finish };
}

describe('bounded work', () => {
  it('runs at most its concurrency at once, then lets the waiting ones in order', async () => {
    const work = new BoundedWork(2, 5);
    const started: number[] = [];
    const [first, second, third, fourth] = [heldJob(), heldJob(), heldJob(), heldJob()];
    const runs = [first, second, third, fourth].map((held, i) => work.run(async () => (started.push(i), held.job())));
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    second.finish();
    await runs[1];
    await new Promise(setImmediate);
    expect(started).toEqual([0, 1, 2]);
    first.finish();
    third.finish();
    fourth.finish();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('refuses at once with BusyError when the waiting line is full, and is full only then', async () => {
    const work = new BoundedWork(1, 1);
    const first = heldJob();
    const second = heldJob();
    const running = work.run(first.job);
    expect(work.full).toBe(false);
    const waiting = work.run(second.job);
    expect(work.full).toBe(true);
    await expect(work.run(async () => 'never')).rejects.toBeInstanceOf(BusyError);
    first.finish();
    second.finish();
    await Promise.all([running, waiting]);
    expect(work.full).toBe(false);
    await expect(work.run(async () => 'runs')).resolves.toBe('runs');
  });

  it('frees its slot when a job fails', async () => {
    const work = new BoundedWork(1, 0);
    await expect(work.run(async () => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    await expect(work.run(async () => 'next')).resolves.toBe('next');
  });
});
