import type { Page } from 'playwright-core';
import { seedDemoData } from '../../seed/demo-data';
import { Listing } from '../../src/features/listings/listing.model';
import { formatPounds } from '../../src/lib/format';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { clickThrough, expectNoSeriousAccessibilityIssues, signInAsDemoUser, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(120_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp());
let listingId: string;

beforeAll(async () => {
  listingId = (await Listing.findOne({ name: 'Priya Shah, Local Leader of Education' }).lean())!._id.toString();
});

async function signedInPage(email: string): Promise<Page> {
  const page = await signInAsDemoUser(demo, email);
  await expectNoSeriousAccessibilityIssues(page);
  return page;
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(demo.baseUrl + path);
  await expectNoSeriousAccessibilityIssues(page);
}

it('a school commissions support, the provider delivers it, the school confirms and rates it, and the LA sees it', async () => {
  const school = await signedInPage('head.oakfield@demo.example');
  await visit(school, paths.commissions.newFor(listingId));
  expect(await school.getByText('Rated').count()).toBe(0);
  await clickThrough(school, 'Continue');
  expect(await school.locator('.govuk-error-summary').innerText()).toContain('Describe what your school needs to improve');

  await school.getByLabel('What does the school need to improve?').fill('Our new deputy head needs coaching');
  await school.getByLabel('Leadership and management').check();
  await school.getByLabel('Objectives').fill('A confident deputy leading the curriculum review');
  await school.getByLabel('How will you know it has worked?').fill('Curriculum review completed by Easter');
  await school.getByLabel('Number of days').fill('3');
  await school.getByLabel('Day', { exact: true }).fill('5');
  await school.getByLabel('Month', { exact: true }).fill('10');
  await school.getByLabel('Year', { exact: true }).fill('2026');
  await school.getByLabel('The school', { exact: true }).check();
  await clickThrough(school, 'Continue');
  expect(await school.getByRole('heading', { level: 1 }).innerText()).toBe('Check your request before sending it');
  expect(await school.locator('.govuk-summary-list').innerText()).toContain('5 October 2026');
  await clickThrough(school, 'Send request');
  const reference = (await school.locator('.govuk-panel__body strong').innerText()).trim();
  expect(reference).toMatch(/^SUP-/);
  await clickThrough(school, 'View the commission', 'link');
  const commissionUrl = school.url();
  await visit(school, paths.commissions.list);

  const provider = await signedInPage('provider@demo.example');
  expect(await provider.locator('main').innerText()).toContain(reference);
  await provider.goto(commissionUrl);
  await clickThrough(provider, 'Accept');
  expect(await provider.locator('main .govuk-tag').first().innerText()).toBe('Accepted');
  await clickThrough(provider, 'Mark as delivered');

  await school.goto(demo.baseUrl + paths.dashboards.school);
  expect(await school.locator('main').innerText()).toContain(reference);
  await school.goto(commissionUrl);
  await clickThrough(school, 'Confirm the support is complete');
  await clickThrough(school, 'Give impact feedback');
  for (const [legend, score] of [['Quality of support', '5'], ['Impact on pupils’ outcomes', '4'], ['Value for money', '4'], ['Would recommend', '5']] as const) {
    await school.getByRole('group', { name: legend }).getByLabel(score, { exact: true }).check();
  }
  await school.getByLabel('What changed as a result?').fill('The curriculum review is under way, led by our deputy.');
  await clickThrough(school, 'Send feedback');
  expect(await school.locator('main .govuk-tag').first().innerText()).toBe('Evaluated');
  expect(await school.locator('main').innerText()).toContain('History');

  // Oakfield is the third school to rate this listing, so its ratings now show.
  await visit(school, paths.commissions.newFor(listingId));
  expect(await school.locator('main').innerText()).toMatch(/Rated \d\.\d out of 5 by 3 schools/);

  const tradedServices = await signedInPage('tradedservices@demo.example');
  await visit(tradedServices, paths.commissions.list);
  await visit(tradedServices, paths.reports.commissions);
  await tradedServices.getByLabel('Term', { exact: true }).selectOption({ label: 'Autumn 2026' });
  await clickThrough(tradedServices, 'Apply filters');
  const providerTypes = tradedServices.locator('table', { hasText: 'Commissions by provider type' });
  const listing = (await Listing.findById(listingId).lean())!;
  // This journey's 3 days, and the demo's SUP-DEMO-0011 (Riverside, 2 days, completed this term).
  const spend = listing.fundedByLa ? 0 : 5 * (listing.dailyRatePence ?? 0);
  const row = await providerTypes.getByRole('row', { name: /Local Leader of Education/ }).innerText();
  expect(row.split('\t').map((cell) => cell.trim())).toEqual(['Local Leader of Education', '2', '5', formatPounds(spend)]);
  await visit(tradedServices, paths.feedbackAttention);
  await visit(tradedServices, commissionUrl.replace(demo.baseUrl, ''));
});
