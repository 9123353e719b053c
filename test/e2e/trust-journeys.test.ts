import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { Listing } from '../../src/features/listings/listing.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(120_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' }));

const WIDTHS = [{ name: 'desktop', width: 1280 }, { name: 'phone', width: 390 }, { name: 'small phone', width: 320 }];

async function newPage(width: number): Promise<Page> {
  return (await demo.browser.newContext({ viewport: { width, height: 800 } })).newPage();
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(demo.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== paths.signIn);
}

/** axe, and no sideways scrolling: the page reflows to the viewport. */
async function expectReadable(page: Page): Promise<void> {
  await expectNoSeriousAccessibilityIssues(page);
  const sideways = await page.evaluate(() => {
    // The tests are compiled without the DOM library: only what this reads.
    const { documentElement } = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    return documentElement.scrollWidth - documentElement.clientWidth;
  });
  expect(sideways).toBe(0);
}

describe.each(WIDTHS)('the published pages on a $name ($width px)', ({ width }) => {
  it('are linked from the footer, readable without signing in, and reflow', async () => {
    const page = await newPage(width);
    await page.goto(demo.baseUrl + paths.signIn);
    for (const [link, heading] of [['Accessibility', 'Accessibility statement'], ['Privacy', 'Privacy notice'], ['Cookies', 'Cookies']] as const) {
      await page.getByRole('contentinfo').getByRole('link', { name: link, exact: true }).click();
      await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe(heading);
      await expectReadable(page);
    }
    await page.context().close();
  });
});

it('a school withdraws one of two recommendations: the listing leaves the directory and Traded Services see it on their queue, at every width', async () => {
  const name = 'Priya Shah, Local Leader of Education';
  const id = (await Listing.findOne({ name }, { _id: 1 }).lean())!._id.toString();

  const school = await newPage(1280);
  await signIn(school, 'head.oakfield@demo.example');
  await school.goto(demo.baseUrl + paths.listings.listing(id));
  await school.getByRole('button', { name: 'Withdraw your recommendation' }).click();
  await school.waitForLoadState();
  await expectNoSeriousAccessibilityIssues(school);
  await school.goto(`${demo.baseUrl}${paths.directory.search}?q=${encodeURIComponent('Priya Shah')}`);
  expect(await school.locator('main').innerText()).not.toContain(name);
  await school.context().close();

  for (const { width } of WIDTHS) {
    const tradedServices = await newPage(width);
    await signIn(tradedServices, 'tradedservices@demo.example');
    const shortRow = tradedServices.locator('.govuk-summary-list__row', { hasText: 'Live listings with fewer than two recommendations' });
    expect(await shortRow.locator('.govuk-summary-list__value').innerText()).toBe('1');
    await shortRow.getByRole('link', { name: 'View' }).click();
    const section = tradedServices.locator('h2', { hasText: 'Fewer than two recommendations (1)' });
    await expect(section.count()).resolves.toBe(1);
    expect(await tradedServices.locator('main').innerText()).toContain(name);
    await expectNoSeriousAccessibilityIssues(tradedServices);
    await tradedServices.goto(demo.baseUrl + paths.admin.retention);
    await expectReadable(tradedServices);
    await tradedServices.context().close();
  }
});
