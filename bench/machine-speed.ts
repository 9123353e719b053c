// How fast this machine runs right now: the same CPU work every time (hashing, JSON and string work, as
// the app does), timed before a run. Shared virtual machines vary by a fifth or more from one run to the
// next, so figures from two runs compare only beside this.
import { createHash } from 'node:crypto';

const DOCUMENT = { name: 'Oakfield Primary School', urn: '123456', phases: ['primary', 'nursery'], notes: 'x'.repeat(400), days: 4 };

function fixedWork(): void {
  let text = '';
  for (let i = 0; i < 20_000; i++) {
    text = JSON.stringify({ ...DOCUMENT, days: i });
    createHash('sha256').update(text).digest('hex');
    JSON.parse(text);
  }
}

/** The median of five timings of the same work, in ms (smaller is faster). */
export function machineSpeedMs(): number {
  fixedWork();
  const times = Array.from({ length: 5 }, () => {
    const started = performance.now();
    fixedWork();
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[2]!;
}
