// One person using the service through the HTTP interface a browser would: a session cookie, the CSRF
// token from each form page, form posts and redirects. Every request is timed and checked against the
// status a browser would expect, by request type, in a Recorder shared by all visitors.
import { Pool } from 'undici';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { paths } from '../src/paths';

export type Page = { status: number; body: string; location?: string };

/** One response (or failure to get one): `started` and `ms` in milliseconds, `ok` when the status was the one expected. */
export type Sample = { type: string; method: string; path: string; started: number; ms: number; status: number | string; ok: boolean; detail?: string };

/** Every response of a run, by request type: latencies, throughput and failures with examples. */
export class Recorder {
  readonly samples: Sample[] = [];

  record(sample: Sample): void {
    this.samples.push(sample);
  }

  get failures(): Sample[] {
    return this.samples.filter((sample) => !sample.ok);
  }

  /** Rows per request type (and a total): count, req/s over the window, p50/p95/p99/max in ms, errors. */
  summary(seconds: number): { type: string; count: number; rps: number; p50: number; p95: number; p99: number; max: number; errors: number }[] {
    const byType = new Map<string, Sample[]>();
    for (const sample of this.samples) {
      if (!byType.has(sample.type)) byType.set(sample.type, []);
      byType.get(sample.type)!.push(sample);
    }
    const row = (type: string, samples: Sample[]) => {
      const times = samples.map((sample) => sample.ms).sort((a, b) => a - b);
      const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? NaN);
      return { type, count: samples.length, rps: samples.length / seconds, p50: at(50), p95: at(95), p99: at(99), max: Math.round(times[times.length - 1] ?? NaN), errors: samples.filter((sample) => !sample.ok).length };
    };
    return [...[...byType.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, samples]) => row(type, samples)), row('all requests', this.samples)];
  }

  printSummary(seconds: number): void {
    console.log(`\n${'request type'.padEnd(40)} ${'count'.padStart(7)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'errors'.padStart(6)}`);
    for (const row of this.summary(seconds)) {
      console.log(
        `${row.type.padEnd(40)} ${String(row.count).padStart(7)} ${row.rps.toFixed(1).padStart(7)} ${String(row.p50).padStart(7)} ${String(row.p95).padStart(7)} ${String(row.p99).padStart(7)} ${String(row.max).padStart(7)} ${String(row.errors).padStart(6)}`,
      );
    }
  }

  /** Failures grouped by type and status, with a few examples of each. */
  static printFailures(failures: Sample[], examplesEach = 3): void {
    const groups = new Map<string, Sample[]>();
    for (const failure of failures) {
      const key = `${failure.type} → ${failure.status}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(failure);
    }
    for (const [key, failures] of groups) {
      console.log(`  ${key}: ${failures.length}`);
      for (const failure of failures.slice(0, examplesEach)) console.log(`    ${failure.method} ${failure.path}: ${failure.detail}`);
    }
  }
}

/** What a response says about itself, for a failure report: the page title, or the start of the body. */
function describe(body: string): string {
  const title = /<title>([^<]*)<\/title>/.exec(body)?.[1];
  const summary = /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(body)?.[1];
  const problems = summary ? [...summary.matchAll(/<a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1]).join('; ') : '';
  return `${(title ?? body.slice(0, 120)).replace(/\s+/g, ' ').trim()}${problems ? ` (${problems})` : ''}`;
}

export const csrfToken = (body: string): string => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';

/** Every distinct id in links like /commissions/<id> on a page, in page order. */
export function linkedIds(body: string, prefix: string): string[] {
  const pattern = new RegExp(`href="${prefix}/([a-f0-9]{24})"`, 'g');
  return [...new Set([...body.matchAll(pattern)].map((match) => match[1]!))];
}

export type Form = Record<string, string | string[]>;

function urlEncoded(form: Form): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const one of ([] as string[]).concat(value)) params.append(name, one);
  return params.toString();
}

/** The cookies a browser keeps from Set-Cookie headers, by name: a cookie set empty, or expired, is dropped. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(setCookies: readonly string[]): void {
    for (const setCookie of setCookies) {
      const [pair = '', ...attributes] = setCookie.split(/;\s*/);
      const name = pair.slice(0, pair.indexOf('='));
      const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute) || (/^expires=/i.test(attribute) && Date.parse(attribute.slice(8)) <= Date.now()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair);
    }
  }

  clear(): void {
    this.cookies.clear();
  }

  /** The Cookie header to send, or undefined when there is none. */
  get header(): string | undefined {
    return this.cookies.size > 0 ? [...this.cookies.values()].join('; ') : undefined;
  }
}

export class Visitor {
  private readonly cookies = new CookieJar();
  private lastPage = '';
  private authenticated = false;
  private running: () => boolean = () => true;

  constructor(
    private pool: Pool,
    private recorder: Recorder,
    private readonly timeoutMs = 30_000,
  ) {}

  /** Once `running()` says no, requests are no longer sent (they come back with status 0), so a run ends on time. */
  until(running: () => boolean): this {
    this.running = running;
    return this;
  }

  /** The same person (cookie and all) on a new connection pool, as after the app restarted on another port. */
  reconnect(pool: Pool, recorder: Recorder): this {
    this.pool = pool;
    this.recorder = recorder;
    return this;
  }

  /** The CSRF token of the last page fetched (every signed-in page's layout carries one in its sign-out form). */
  get csrf(): string {
    return csrfToken(this.lastPage);
  }

  get signedIn(): boolean {
    return this.authenticated;
  }

  async get(type: string, path: string, expect: number | number[] = 200): Promise<Page> {
    return this.send(type, 'GET', path, undefined, expect);
  }

  /**
   * A form post with the last page's CSRF token; a browser expects a redirect (302) after a good post,
   * and follows it: `then` names the page it lands on, as a request type.
   */
  async post(type: string, path: string, form: Form, then?: string): Promise<Page> {
    const response = await this.send(type, 'POST', path, { contentType: 'application/x-www-form-urlencoded', body: urlEncoded({ _csrf: this.csrf, ...form }) }, 302);
    return this.follow(response, then);
  }

  /** A multipart form post (forms with a file input), without a file. */
  async postMultipart(type: string, path: string, form: Form, then?: string): Promise<Page> {
    const boundary = `----load${Math.random().toString(16).slice(2)}`;
    const parts = Object.entries({ _csrf: this.csrf, ...form }).flatMap(([name, value]) =>
      ([] as string[]).concat(value).map((one) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${one}\r\n`),
    );
    const response = await this.send(type, 'POST', path, { contentType: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` }, 302);
    return this.follow(response, then);
  }

  /** Signs in through the sign-in form and lands on the home page, as a browser does. True when it worked. */
  async signIn(email: string, password = DEMO_PASSWORD): Promise<boolean> {
    this.cookies.clear();
    await this.get('GET /sign-in', paths.signIn);
    const response = await this.post('POST /sign-in', paths.signIn, { email, password });
    if (response.status !== 302 || !response.location) return false;
    this.authenticated = (await this.get(`GET ${response.location} (home)`, response.location)).status === 200;
    return this.authenticated;
  }

  async signOut(): Promise<void> {
    await this.post('POST /sign-out', paths.signOut, {}, 'GET /sign-in');
    this.cookies.clear();
    this.authenticated = false;
  }

  /** The redirect's landing page, when asked for (`then` is its request type); otherwise the redirect itself. */
  private async follow(response: Page, then: string | undefined): Promise<Page> {
    if (!then || response.status !== 302 || !response.location) return response;
    const landing = await this.get(then, response.location);
    return { ...landing, location: response.location };
  }

  private async send(type: string, method: 'GET' | 'POST', path: string, payload: { contentType: string; body: string } | undefined, expect: number | number[]): Promise<Page> {
    if (!this.running()) return { status: 0, body: '' };
    const started = performance.now();
    const startedAt = Date.now();
    const expected = ([] as number[]).concat(expect);
    try {
      const response = await this.pool.request({
        path,
        method,
        headers: {
          ...(this.cookies.header ? { cookie: this.cookies.header } : {}),
          ...(payload ? { 'content-type': payload.contentType } : {}),
        },
        body: payload?.body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const body = await response.body.text();
      const ms = performance.now() - started;
      this.cookies.take(([] as string[]).concat(response.headers['set-cookie'] ?? []));
      const location = response.headers.location as string | undefined;
      if (method === 'GET' && response.statusCode === 200) this.lastPage = body;
      const ok = expected.includes(response.statusCode);
      this.recorder.record({ type, method, path, started: startedAt, ms, status: response.statusCode, ok, ...(ok ? {} : { detail: location ? `redirect to ${location}` : describe(body) }) });
      return { status: response.statusCode, body, location };
    } catch (error) {
      const ms = performance.now() - started;
      const code = (error as { code?: string }).code ?? 'error';
      this.recorder.record({ type, method, path, started: startedAt, ms, status: code, ok: false, detail: (error as Error).message });
      return { status: 0, body: '' };
    }
  }
}

/** A connection pool to the app, one connection per visitor at most, as browsers keep theirs alive. */
export function connectionPool(baseUrl: string, connections: number): Pool {
  return new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}
