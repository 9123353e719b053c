import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/lib/node-flags';

// The benchmarks start the built server with SERVER_NODE_FLAGS; what they measure is what `npm start` runs.
it('npm start runs the built server with the same node flags as the benchmarks', () => {
  const { scripts } = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(scripts.start).toContain(`node ${SERVER_NODE_FLAGS.join(' ')} dist/src/server.js`);
});
