import type { Page } from 'playwright-core';
import { seedDemoData } from '../../seed/demo-data';
import { Listing } from '../../src/features/listings/listing.model';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { clickThrough, expectNoSeriousAccessibilityIssues, signInAsDemoUser, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(120_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

const signedInPage = (email: string) => signInAsDemoUser(demo, email);

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(demo.baseUrl + path);
  await expectNoSeriousAccessibilityIssues(page);
}

it('a SIP records good practice and capacity at Oakfield; the head names who will lead; Traded Services invite them', async () => {
  const sip = await signedInPage('sip@demo.example');
  await visit(sip, paths.schools.school('900001'));
  await clickThrough(sip, 'Change capacity to support other schools', 'link');
  await sip.getByLabel('Yes', { exact: true }).check();
  await sip.getByLabel('What could it offer? (optional)').fill('Early years leadership and a strong EYFS team');
  await clickThrough(sip, 'Save');
  expect(await sip.locator('main').innerText()).toContain('Early years leadership and a strong EYFS team');

  await clickThrough(sip, 'Good practice identified at this school, and nominating it', 'link');
  await clickThrough(sip, 'Nominate');
  expect(await sip.locator('.govuk-error-summary').innerText()).toContain('Select at least one area of good practice');
  await sip.getByLabel('Early years').check();
  await sip.getByLabel('What was seen (optional)').fill('Outstanding provision in Reception seen at the summer-term visit');
  await clickThrough(sip, 'Nominate');
  expect(await sip.locator('.govuk-notification-banner').innerText()).toContain('nominated as good practice');

  const head = await signedInPage('head.oakfield@demo.example');
  expect(await head.locator('main').innerText()).toContain('Good practice identified at your school: say who will lead its listing');
  await expectNoSeriousAccessibilityIssues(head);
  await clickThrough(head, 'View good practice identified at your school: say who will lead its listing', 'link');
  const card = head.locator('.govuk-summary-card', { hasText: 'Early years' });
  await card.getByLabel('Full name').fill('Nadia Okafor');
  await card.getByLabel('Email address').fill('nadia.okafor@oakfield.demo.example');
  await Promise.all([head.waitForEvent('load'), card.getByRole('button', { name: 'Send to Traded Services' }).click()]);
  await expectNoSeriousAccessibilityIssues(head);
  expect(await head.locator('.govuk-notification-banner').innerText()).toContain('Traded Services will invite Nadia Okafor');

  const tradedServices = await signedInPage('tradedservices@demo.example');
  await clickThrough(tradedServices, 'View good-practice nominations, to invite', 'link');
  await clickThrough(tradedServices, 'Oakfield Primary School', 'link');
  const invite = tradedServices.locator('.govuk-summary-card', { hasText: 'Nadia Okafor' });
  await Promise.all([tradedServices.waitForEvent('load'), invite.getByRole('button', { name: 'Invite them and start the listing' }).click()]);
  await expectNoSeriousAccessibilityIssues(tradedServices);
  expect(await tradedServices.locator('main').innerText()).toContain('a draft listing has been started for them');
  expect(await Listing.countDocuments({ providerType: 'good_practice_school', name: 'Oakfield Primary School', status: 'draft' })).toBe(1);
  for (const page of [sip, head, tradedServices]) await page.context().close();
});

it('Traded Services deploy a provider through the LA; a school asks the LA, and Traded Services arrange it', async () => {
  const listingId = (await Listing.findOne({ name: 'Priya Shah, Local Leader of Education' }).lean())!._id.toString();
  const tradedServices = await signedInPage('tradedservices@demo.example');
  await visit(tradedServices, paths.listings.status(listingId));
  await tradedServices.getByLabel('Through the LA').check();
  await clickThrough(tradedServices, 'Save how schools ask');
  expect(await tradedServices.locator('main').innerText()).toContain('Through the LA: schools ask the LA, and Traded Services arrange it');

  const head = await signedInPage('head.riverside@demo.example');
  await visit(head, paths.listings.listing(listingId));
  await clickThrough(head, 'Ask the LA for this support');
  await head.getByLabel('What does the school need to improve?').fill('Middle leaders need coaching');
  await head.getByLabel('Leadership and management').check();
  await head.getByLabel('Objectives').fill('Middle leaders lead their own monitoring');
  await head.getByLabel('How will you know it has worked?').fill('Monitoring reports from every department by Easter');
  await head.getByLabel('Number of days').fill('2');
  await head.getByLabel('Day', { exact: true }).fill('8');
  await head.getByLabel('Month', { exact: true }).fill('2');
  await head.getByLabel('Year', { exact: true }).fill('2027');
  await head.getByLabel('The school', { exact: true }).check();
  await clickThrough(head, 'Continue');
  await clickThrough(head, 'Send request');
  expect(await head.locator('main').innerText()).toContain('Traded Services will arrange the support with Priya Shah');
  await clickThrough(head, 'View the commission', 'link');
  const commissionPath = new URL(head.url()).pathname;
  expect(await head.locator('main .govuk-tag').first().innerText()).toBe('Waiting for the LA to arrange');

  await visit(tradedServices, paths.dashboards.traded_services);
  await clickThrough(tradedServices, 'View requests for support the LA deploys, to arrange or refuse', 'link');
  await visit(tradedServices, commissionPath);
  await clickThrough(tradedServices, 'Arrange this support with the provider');
  expect(await tradedServices.locator('main .govuk-tag').first().innerText()).toBe('Requested');
  for (const page of [head, tradedServices]) await page.context().close();
});
