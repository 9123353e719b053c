// Where a CPU profile's time went: `tsx bench/cpu-profile-summary.ts FILE.cpuprofile [top]` prints the
// functions with the most self time, and the same time summed by package (or by our own source folder),
// so a page's cost can be read without opening the profile in Chrome DevTools.
import { readFileSync } from 'node:fs';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** `node_modules/express-session/…` → express-session; `dist/src/features/directory/…` → src/features/directory. */
export function ownerOf(url: string): string {
  if (!url) return '(native or idle)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|views|seed)\/(?:([^/]+)\/)?(?:([^/]+)\/)?/.exec(url);
  if (ours) return [ours[1], ours[2], ours[2] === 'features' ? ours[3] : undefined].filter(Boolean).join('/');
  return url;
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfMs].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, ms]) => a + ms, 0);
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const byFunction = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (['(idle)', '(program)'].includes(functionName)) continue;
    add(byFunction, `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}`, ms);
    add(byOwner, ownerOf(url) === '(native or idle)' ? functionName : ownerOf(url), ms);
  }
  const busy = total - idle;
  const print = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${key}`);
    }
  };
  console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%)`);
  print('self time by package or source folder', byOwner);
  print('self time by function', byFunction);
}

const [file, top] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/cpu-profile-summary.ts FILE.cpuprofile [how many rows, default 25]');
  process.exit(2);
}
summarise(file, Number(top ?? 25));
