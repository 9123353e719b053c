import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { REQUIRED_COLUMNS } from './gias-row';

/** The file cannot be imported at all; the message says why, in words for the person importing. */
export class MalformedFileError extends Error {}

export type GiasRecord = { line: number; record: Record<string, string> };

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Decodes the GIAS download, which is ISO-8859-1 (Windows-1252 in practice), or UTF-8 when the file
 * starts with a byte-order mark (a re-saved copy). Counts bytes for progress and refuses binary
 * data (a NUL byte never appears in a CSV text file).
 */
class GiasDecoder extends Transform {
  private decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  constructor(private readonly onBytes: (bytes: number) => void) {
    super({ decodeStrings: true, readableObjectMode: false });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onBytes(chunk.length);
    if (chunk.includes(0)) return callback(new MalformedFileError('This file is not a CSV text file: it contains binary data.'));
    let bytes = chunk;
    if (!this.decoder) {
      const utf8 = chunk.subarray(0, 3).equals(UTF8_BOM);
      this.decoder = iconv.getDecoder(utf8 ? 'utf8' : 'win1252');
      if (utf8) bytes = chunk.subarray(3);
    }
    callback(null, this.decoder.write(bytes));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.decoder?.end() ?? '');
  }
}

function checkHeader(header: string[]): string[] {
  const names = header.map((name) => name.trim());
  const missing = REQUIRED_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    throw new MalformedFileError(
      `This is not a GIAS establishment file: it has no ${missing.map((column) => `"${column}"`).join(', ')} column${missing.length === 1 ? '' : 's'}.`,
    );
  }
  return names;
}

/**
 * Streams the records of a GIAS CSV, keyed by header name, with the line each ends on. Throws a
 * MalformedFileError for an empty file, a missing required column, binary data or broken CSV.
 */
export async function* readGiasRecords(input: Readable, onBytes: (bytes: number) => void = () => undefined): AsyncGenerator<GiasRecord> {
  let sawHeader = false;
  const columns = (header: string[]) => {
    sawHeader = true;
    return checkHeader(header);
  };
  const parser = parse({ columns, skip_empty_lines: true, info: true });
  const decoder = new GiasDecoder(onBytes);
  const fail = (error: Error) => parser.destroy(error);
  input.once('error', fail);
  decoder.once('error', fail);
  input.pipe(decoder).pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, record };
    }
  } catch (error) {
    if (error instanceof MalformedFileError) throw error;
    const code = (error as { code?: string }).code;
    if (code?.startsWith('CSV_')) throw new MalformedFileError(`This file is not valid CSV: ${(error as Error).message}`);
    throw error;
  } finally {
    input.unpipe(decoder);
    input.destroy();
  }
  if (!sawHeader) throw new MalformedFileError('This file is empty.');
}
