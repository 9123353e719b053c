import { execFile } from 'node:child_process';

// unpdf (PDF.js) is an ES module loaded with import(), which Jest's CommonJS runtime refuses without
// --experimental-vm-modules; a plain node process reads the PDF instead.
const READ_PDF = `
import { extractText, getDocumentProxy } from 'unpdf';
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { text } = await extractText(await getDocumentProxy(new Uint8Array(Buffer.concat(chunks))), { mergePages: true });
process.stdout.write(text);
`;

/** The text of a PDF, all pages run together (for checking what a printed page says). */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--input-type=module', '-e', READ_PDF], { cwd: __dirname, maxBuffer: 10 * 1024 * 1024 }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
    child.stdin!.end(pdf);
  });
}
