import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { demoEvidencePdf } from '../../seed/demo-checks';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(300_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp({ DIRECTORY_SYNC_SECONDS: '0' }));

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** axe (and reflow) at desktop width, then at a phone's. */
async function checkAtBothWidths(page: Page): Promise<void> {
  await page.setViewportSize(DESKTOP);
  await expectNoSeriousAccessibilityIssues(page);
  await page.setViewportSize(PHONE);
  await expectNoSeriousAccessibilityIssues(page);
  await page.setViewportSize(DESKTOP);
}

async function signedIn(email: string): Promise<Page> {
  const page = await (await demo.browser.newContext({ viewport: DESKTOP })).newPage();
  // A control that never appears fails its step by name, long before the test's own time runs out.
  page.setDefaultTimeout(30_000);
  await page.goto(demo.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== paths.signIn);
  return page;
}

async function step(page: Page, action: () => Promise<unknown>): Promise<void> {
  await action();
  await page.waitForLoadState();
  await checkAtBothWidths(page);
}

const LISTING = 'Priya Shah, Local Leader of Education';

it('a provider records a DBS check with evidence, Traded Services verify it, and a school sees only "Checks up to date"', async () => {
  const provider = await signedIn('provider@demo.example');
  await step(provider, () => provider.getByRole('link', { name: 'Your listings' }).click());
  await step(provider, () => provider.getByRole('link', { name: LISTING }).click());
  await step(provider, () => provider.getByRole('link', { name: 'See the checks' }).click());
  expect(await provider.getByRole('heading', { level: 1 }).innerText()).toBe('Checks');
  await step(provider, () => provider.getByRole('link', { name: 'Send a renewed check (Enhanced DBS check)' }).click());

  // Sent without its evidence: the error is beside the file field and the date typed is kept.
  const issued = provider.getByRole('group', { name: /Date of issue/ });
  await issued.getByLabel('Day').fill('3');
  await issued.getByLabel('Month').fill('2');
  await issued.getByLabel('Year').fill('2026');
  await provider.getByRole('group', { name: 'Is the certificate on the DBS update service?' }).getByLabel('Yes').check();
  await step(provider, () => provider.getByRole('button', { name: 'Send to Traded Services' }).click());
  expect(await provider.locator('.govuk-error-summary').innerText()).toContain('Choose a PDF of the DBS certificate');
  expect(await issued.getByLabel('Day').inputValue()).toBe('3');

  await provider.getByLabel('Evidence').setInputFiles({ name: 'dbs-certificate-2026.pdf', mimeType: 'application/pdf', buffer: demoEvidencePdf('DBS certificate') });
  await step(provider, () => provider.getByRole('button', { name: 'Send to Traded Services' }).click());
  expect(await provider.locator('.govuk-notification-banner').innerText()).toContain('sent to Traded Services to verify');
  const dbsCard = provider.locator('#check-dbs');
  expect(await dbsCard.innerText()).toContain('Renewal waiting for Traded Services');
  expect(await dbsCard.innerText()).toContain('dbs-certificate-2026.pdf');
  const checksPath = new URL(provider.url()).pathname;

  const tradedServices = await signedIn('tradedservices@demo.example');
  await step(tradedServices, () => tradedServices.getByRole('link', { name: 'Listings', exact: true }).click());
  await step(tradedServices, () => tradedServices.getByRole('table', { name: 'Checks to verify' }).getByRole('link', { name: LISTING }).click());
  expect(await tradedServices.locator('main').innerText()).toContain('dbs-certificate-2026.pdf');
  await tradedServices.getByLabel('Yes, verify it').check();
  await step(tradedServices, () => tradedServices.getByRole('button', { name: 'Record decision' }).click());
  expect(await tradedServices.locator('.govuk-notification-banner').innerText()).toContain('The enhanced DBS check is verified.');
  expect(await tradedServices.locator('#check-dbs').innerText()).toMatch(/Valid until\s+2 February 2029/);

  // The LA's rules, as the demo LA filled them in: an LLE needs a DBS check, accepted for 36 months.
  await step(tradedServices, () => tradedServices.getByRole('link', { name: 'Listings', exact: true }).click());
  await step(tradedServices, () => tradedServices.getByRole('link', { name: 'Which checks providers need' }).click());
  expect(await tradedServices.getByRole('group', { name: 'Who needs: enhanced DBS check' }).getByLabel('Local Leader of Education').isChecked()).toBe(true);
  expect(await tradedServices.getByLabel('Enhanced DBS check, in months').inputValue()).toBe('36');

  const school = await signedIn('head.oakfield@demo.example');
  await step(school, () => school.goto(demo.baseUrl + checksPath.replace(/\/checks$/, '')));
  expect(await school.getByRole('heading', { level: 1 }).innerText()).toBe(LISTING);
  const portrait = await school.locator('main').innerText();
  expect(portrait).toContain('Checks up to date');
  for (const secret of ['dbs-certificate-2026.pdf', 'DBS', '2029', 'Safeguarding']) expect(portrait).not.toContain(secret);
  expect((await school.goto(demo.baseUrl + checksPath))!.status()).toBe(403);

  for (const page of [provider, tradedServices, school]) await page.context().close();
});
