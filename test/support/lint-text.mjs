// Lints source text as `npm run lint` would (ESLint's Node API with the project's eslint.config.mjs) and
// prints the messages as JSON. Reads {"file": "src/…", "code": "…"} lines on stdin, one result line each.
// A child process because jest's module sandbox cannot load the ESM config file.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const eslint = new ESLint({ cwd: root });
let input = '';
for await (const chunk of process.stdin) input += chunk;
for (const line of input.split('\n').filter(Boolean)) {
  const { file, code } = JSON.parse(line);
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  console.log(JSON.stringify(result.messages.map(({ ruleId, message }) => ({ ruleId, message }))));
}
