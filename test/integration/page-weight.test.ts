import type { Express } from 'express';
import request from 'supertest';
import { ensureDefaultTaxonomy } from '../../src/features/taxonomy/taxonomy.service';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { useTestDatabase } from '../support/database';
import { createListedListing } from '../support/directory';
import { createUser } from '../support/factories';
import { signedInAgent, type Agent } from '../support/http';

// What a SIP on a weak signal downloads: compressed pages and files, and files kept for good once fetched.
// The sizes themselves are measured by `npm run bench:pages`, not here. Needs `npm run build:assets`
// (npm test and npm run test:integration run it first).
useTestDatabase();

const IMMUTABLE = 'public, max-age=31536000, immutable';
const searchPage = `${paths.directory.search}?q=phonics`;

/** Every file a page makes a browser fetch: stylesheets, icons, scripts, module preloads. */
function assetUrlsIn(html: string): string[] {
  return [...html.matchAll(/<(?:link|script)\b[^>]*\b(?:href|src)="(\/public\/[^"]+)"/g)].map((match) => match[1]!);
}

describe('light on a weak signal', () => {
  let app: Express;
  let sip: Agent;

  beforeAll(async () => {
    await ensureDefaultTaxonomy();
    await createListedListing({ name: 'Phonics leader', summary: 'Phonics and early reading in reception and KS1', expertise: ['english-and-literacy'], subjects: ['phonics'] });
    app = buildTestApp();
    sip = await signedInAgent(app, (await createUser('sip')).email);
  });

  it.each([
    ['br, gzip', 'br'],
    ['gzip', 'gzip'],
  ])('sends the search results page compressed when the browser accepts %s, with its security headers', async (accepted, encoding) => {
    const response = await sip.get(searchPage).set('Accept-Encoding', accepted);
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe(encoding);
    expect(response.headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('sends the page as it is to a client that accepts no encoding', async () => {
    const response = await sip.get(searchPage).set('Accept-Encoding', 'identity');
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.text).toContain('Phonics leader');
  });

  it('links files named by their content, each answering, compressed where text, and kept for a year', async () => {
    const page = await sip.get(searchPage);
    const urls = assetUrlsIn(page.text);
    expect(urls).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/public\/stylesheets\/application\.[0-9a-f]{10}\.css$/),
        expect.stringMatching(/^\/public\/stylesheets\/print\.[0-9a-f]{10}\.css$/),
        expect.stringMatching(/^\/public\/javascripts\/govuk-frontend\.min\.[0-9a-f]{10}\.js$/),
        expect.stringMatching(/^\/public\/javascripts\/init\.[0-9a-f]{10}\.js$/),
        expect.stringMatching(/^\/public\/images\/favicon\.[0-9a-f]{10}\.svg$/),
      ]),
    );
    for (const url of urls) {
      const response = await request(app).get(url).set('Accept-Encoding', 'br, gzip');
      expect({ url, status: response.status, cacheControl: response.headers['cache-control'] }).toEqual({ url, status: 200, cacheControl: IMMUTABLE });
      // Files under 1 KB (the compression threshold) would gain nothing
      if (/\.(css|js)$/.test(url) && Buffer.byteLength(response.text) > 1024) {
        expect({ url, encoding: response.headers['content-encoding'] }).toEqual({ url, encoding: 'br' });
      }
    }
  });

  it('makes the script load GOV.UK Frontend by its hashed name too', async () => {
    const page = await sip.get(searchPage);
    const init = assetUrlsIn(page.text).find((url) => url.includes('/init.'))!;
    const script = await request(app).get(init);
    const imported = /from '\.\/([^']+)'/.exec(script.text)![1]!;
    const govuk = await request(app).get(`/public/javascripts/${imported}`);
    expect(govuk.status).toBe(200);
    expect(govuk.headers['cache-control']).toBe(IMMUTABLE);
  });

  it('keeps plain file names, which a new build does not rename, on short caching', async () => {
    const response = await request(app).get(paths.assets.stylesheet);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).not.toContain('immutable');
  });
});
