// Bytes a browser moves for a page: the page, then every file it links that its cache cannot answer.
// A plain HTTP client (undici, which does not decompress) that asks for br/gzip like a browser, keeps
// what Cache-Control lets it keep, and revalidates stale copies with If-None-Match / If-Modified-Since.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';

type Cached = { freshUntil: number; etag?: string; lastModified?: string };
export type Transfer = { url: string; status: number; bytes: number; encoding: string };

const ACCEPT_ENCODING = 'br, gzip';

/** The files an HTML page makes a browser fetch at once: stylesheets (print too), icons, scripts, module preloads. */
function linkedFiles(html: string): string[] {
  return [...html.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="(\/[^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, '&'));
}

/** The modules a script imports by a relative name. */
function importedModules(url: string, script: string): string[] {
  return [...script.matchAll(/\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((match) => new URL(match[1]!, `http://x${url}`).pathname);
}

function headerBytes(headers: Record<string, string | string[] | undefined>): number {
  let bytes = 'HTTP/1.1 200 OK\r\n\r\n'.length;
  for (const [name, value] of Object.entries(headers)) {
    for (const one of ([] as string[]).concat(value ?? [])) bytes += name.length + one.length + 4;
  }
  return bytes;
}

function freshFor(cacheControl: string | undefined): number {
  if (!cacheControl || /no-cache/.test(cacheControl)) return 0;
  return Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0) * 1000;
}

export class Visitor {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly base: string,
    private readonly cookie: string,
  ) {}

  /** Visits a page as a browser would and lists what crossed the wire (headers included). */
  async visit(page: string): Promise<Transfer[]> {
    const transfers: Transfer[] = [];
    const seen = new Set<string>();
    const fetchOne = async (url: string): Promise<void> => {
      if (seen.has(url)) return;
      seen.add(url);
      const cached = this.cache.get(url);
      if (cached && cached.freshUntil > Date.now()) return;
      const headers: Record<string, string> = { 'accept-encoding': ACCEPT_ENCODING, cookie: this.cookie };
      if (cached?.etag) headers['if-none-match'] = cached.etag;
      if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
      const response = await request(this.base + url, { headers });
      const body = Buffer.from(await response.body.arrayBuffer());
      const one = (name: string) => ([] as string[]).concat(response.headers[name] ?? [])[0];
      transfers.push({ url, status: response.statusCode, bytes: body.length + headerBytes(response.headers), encoding: one('content-encoding') ?? 'none' });
      const cacheControl = one('cache-control');
      if (response.statusCode === 304 && cached) cached.freshUntil = Date.now() + freshFor(cacheControl);
      if (response.statusCode !== 200) return;
      if (!cacheControl?.includes('no-store')) {
        this.cache.set(url, { freshUntil: Date.now() + freshFor(cacheControl), etag: one('etag'), lastModified: one('last-modified') });
      }
      const text = () => decode(body, one('content-encoding'));
      if (url === page) for (const file of linkedFiles(text())) await fetchOne(file);
      if (url.endsWith('.js')) for (const module of importedModules(url, text())) await fetchOne(module);
    };
    await fetchOne(page);
    return transfers;
  }
}

function decode(body: Buffer, encoding: string | undefined): string {
  if (encoding === 'br') return brotliDecompressSync(body).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(body).toString('utf8');
  return body.toString('utf8');
}
