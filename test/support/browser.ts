import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../seed/demo-data';
import { paths } from '../../src/paths';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's chromium, headless, with nothing reaching out to the network (this machine has none). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function serve(app: Express): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Fails on any serious or critical WCAG 2.2 AA violation on the page as it is now, or if the page does not
 * reflow on a phone (expectReflows).
 */
export async function expectNoSeriousAccessibilityIssues(page: Page): Promise<void> {
  await expectNoSeriousAxeViolations(page);
  await expectReflows(page);
}

/**
 * The same for a page in a context with JavaScript turned off, where axe (a script run in the page) never
 * finishes: the reflow is checked on the page itself, and axe runs on the same address opened with the same
 * cookies and width in a context with JavaScript on. Only for pages a GET shows.
 */
export async function expectNoSeriousAccessibilityIssuesWithoutJavaScript(page: Page): Promise<void> {
  await expectReflows(page);
  const context = await page.context().browser()!.newContext({ storageState: await page.context().storageState(), viewport: page.viewportSize() });
  const twin = await context.newPage();
  await twin.goto(page.url());
  await expectNoSeriousAxeViolations(twin);
  await context.close();
}

async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${page.url()}: ${violation.id} (${violation.impact}) on ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

/** The narrowest width WCAG 2.2 SC 1.4.10 asks a page to reflow at, and a common phone. */
const PHONE_WIDTHS = [320, 390];
const SMALLEST_CONTROL_PX = 44;

/** The little of the DOM the check reads (the tests are compiled without the DOM library). */
type InPage = {
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelectorAll(selectors: string): Iterable<{ type?: string; outerHTML: string; checkVisibility(): boolean; getBoundingClientRect(): { width: number } }>;
  };
};

/**
 * Lays the page out again at 320 and 390 CSS px and at its own width (no reload), and fails if the page
 * scrolls sideways or any visible input, select, textarea or button is narrower than 44 px.
 */
export async function expectReflows(page: Page): Promise<void> {
  const own = page.viewportSize() ?? { width: 1280, height: 720 };
  const problems: string[] = [];
  for (const width of [...PHONE_WIDTHS, own.width]) {
    await page.setViewportSize({ width, height: own.height });
    const found = await page.evaluate((smallest) => {
      const { document, innerWidth } = globalThis as unknown as InPage;
      const seen: string[] = [];
      const { scrollWidth } = document.documentElement;
      if (scrollWidth > innerWidth) seen.push(`the page is ${scrollWidth} px wide`);
      for (const control of document.querySelectorAll('input, select, textarea, button')) {
        if (control.type === 'hidden' || !control.checkVisibility()) continue;
        const { width: controlWidth } = control.getBoundingClientRect();
        if (controlWidth < smallest) seen.push(`${control.outerHTML.slice(0, 80)} is ${Math.round(controlWidth)} px wide`);
      }
      return seen;
    }, SMALLEST_CONTROL_PX);
    problems.push(...found.map((problem) => `${page.url()} at ${width} px: ${problem}`));
  }
  expect(problems).toEqual([]);
}

/**
 * For a journey file: the demo data, the real app on a free port and a browser, started before the
 * file's tests and stopped after. Read `baseUrl` and `browser` inside tests (they are set in beforeAll).
 */
export function useDemoAppInBrowser(seed: () => Promise<void>, buildApp: () => Express): { baseUrl: string; browser: Browser } {
  const running = {} as { baseUrl: string; browser: Browser; close?: () => Promise<void> };
  beforeAll(async () => {
    await seed();
    const served = await serve(buildApp());
    running.baseUrl = served.baseUrl;
    running.close = served.close;
    running.browser = await launchBrowser();
  });
  afterAll(async () => {
    await running.browser?.close();
    await running.close?.();
  });
  return running;
}

/** A demo user signed in through the form, in a browser context of its own (a viewport, JavaScript on or off). */
export async function signInAsDemoUser(running: { baseUrl: string; browser: Browser }, email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const page = await (await running.browser.newContext(options)).newPage();
  await page.goto(running.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== paths.signIn);
  return page;
}

/** Clicks a button (or a link), waits for the next page to load and checks it with axe, reflow included. */
export async function clickThrough(page: Page, name: string | RegExp, role: 'button' | 'link' = 'button'): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole(role, { name, exact: typeof name === 'string' }).first().click()]);
  await expectNoSeriousAccessibilityIssues(page);
}
