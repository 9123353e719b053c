import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { demoEvidencePdf } from '../../seed/demo-checks';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(360_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

/** Signs in as a demo user in a fresh context; every page reached afterwards is checked with axe. */
async function signedIn(email: string): Promise<Page> {
  const page = await (await demo.browser.newContext()).newPage();
  await page.goto(demo.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== paths.signIn);
  await expectNoSeriousAccessibilityIssues(page);
  return page;
}

async function clickAndCheck(page: Page, action: () => Promise<void>): Promise<void> {
  await action();
  await page.waitForLoadState();
  await expectNoSeriousAccessibilityIssues(page);
}

it('draft → two schools recommend → approved → visible in the pen portrait to a SIP', async () => {
  const provider = await signedIn('literacy.team@demo.example');
  await clickAndCheck(provider, () => provider.getByRole('link', { name: 'Your listings' }).click());
  await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Create a listing' }).click());
  await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Save as draft' }).click());
  expect(await provider.locator('.govuk-error-summary').innerText()).toContain('Enter the name schools will see');

  await provider.getByLabel('Name schools will see').fill('Anyshire Numeracy Team');
  await provider.getByLabel('Traded service').check();
  await provider.getByLabel('Summary').fill('Maths training for primary teachers <script>alert(1)</script>');
  await provider.getByLabel('Experience').fill('Five consultants supporting maths leads across Anyshire.');
  await provider.getByLabel('Mathematics and numeracy').first().check();
  await provider.getByRole('group', { name: 'Phases' }).getByLabel('Primary').check();
  await provider.getByLabel('Coaching').check();
  await provider.getByLabel('Days available', { exact: true }).fill('20');
  await provider.getByLabel('Per term').check();
  await provider.getByRole('group', { name: 'Is this support funded by the LA?' }).getByLabel('Yes').check();
  await provider.getByLabel('Contact email address').fill('numeracy@demo.example');
  await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Save as draft' }).click());
  expect(await provider.locator('main').innerText()).toContain('0 of 2 recommendations');
  const statusUrl = provider.url();

  await clickAndCheck(provider, () => provider.getByRole('link', { name: 'Ask schools to recommend you' }).click());
  await provider.getByLabel('Oakfield Primary School (URN 900001)').check();
  await provider.getByLabel('Riverside Academy (URN 900002)').check();
  await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Ask these schools' }).click());

  for (const email of ['head.oakfield@demo.example', 'head.riverside@demo.example']) {
    const school = await signedIn(email);
    await clickAndCheck(school, () => school.getByRole('link', { name: 'Recommendations' }).click());
    await clickAndCheck(school, () => school.getByRole('link', { name: 'Anyshire Numeracy Team' }).click());
    expect(await school.locator('main').innerText()).toContain('<script>alert(1)</script>');
    await school.goBack();
    await clickAndCheck(school, () => school.getByRole('button', { name: 'Recommend', exact: true }).first().click());
    await school.getByLabel('What work did you see').fill('Their training lifted our KS2 arithmetic.');
    await school.getByLabel('When did you see it?').fill('Autumn 2025');
    await clickAndCheck(school, () => school.getByRole('button', { name: 'Recommend' }).click());
    expect(await school.locator('.govuk-notification-banner').innerText()).toContain('your recommendation has been recorded');
    await school.context().close();
  }

  await clickAndCheck(provider, () => provider.goto(statusUrl).then(() => undefined));
  expect(await provider.locator('main').innerText()).toContain('2 of 2 recommendations');
  await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Send for approval' }).click());
  expect(await provider.locator('main').innerText()).toContain('Awaiting approval');

  const tradedServices = await signedIn('tradedservices@demo.example');
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: 'Listings', exact: true }).click());
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: 'Anyshire Numeracy Team' }).click());
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: 'Decide on this listing' }).click());
  await tradedServices.getByLabel('Approve and publish').check();
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('button', { name: 'Record decision' }).click());
  expect(await tradedServices.locator('main').innerText()).toContain('Published');
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: 'History' }).click());
  expect(await tradedServices.locator('main').innerText()).toContain('Approved and published');

  // The demo LA needs insurance and a data-processing agreement from a traded service (seed/demo-checks.ts):
  // published, it stays out of the directory until both are verified.
  await clickAndCheck(provider, () => provider.goto(statusUrl).then(() => undefined));
  expect(await provider.locator('main').innerText()).toContain('Missing or lapsed');
  await clickAndCheck(provider, () => provider.getByRole('link', { name: 'See the checks' }).click());
  for (const [check, legend, date] of [
    ['Public liability and professional indemnity insurance', 'Last day of cover', ['31', '3', '2027']],
    ['Data-processing agreement', 'Date the agreement was signed', ['1', '9', '2026']],
  ] as const) {
    await clickAndCheck(provider, () => provider.getByRole('link', { name: `Record (${check})` }).click());
    const group = provider.getByRole('group', { name: legend });
    for (const [index, part] of (['Day', 'Month', 'Year'] as const).entries()) await group.getByLabel(part).fill(date[index]!);
    await provider.getByLabel('Evidence').setInputFiles({ name: 'evidence.pdf', mimeType: 'application/pdf', buffer: demoEvidencePdf(check) });
    await clickAndCheck(provider, () => provider.getByRole('button', { name: 'Send to Traded Services' }).click());
  }
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: 'Listings', exact: true }).click());
  await clickAndCheck(tradedServices, () => tradedServices.getByRole('table', { name: 'Checks to verify' }).getByRole('link', { name: 'Anyshire Numeracy Team' }).first().click());
  for (const remaining of [1, 0]) {
    await tradedServices.getByLabel('Yes, verify it').check();
    await clickAndCheck(tradedServices, () => tradedServices.getByRole('button', { name: 'Record decision' }).click());
    // Back on the listing's checks: the other one waits there.
    expect(await tradedServices.getByRole('link', { name: /^Verify or return/ }).count()).toBe(remaining);
    if (remaining) await clickAndCheck(tradedServices, () => tradedServices.getByRole('link', { name: /^Verify or return/ }).click());
  }

  const listingPath = new URL(statusUrl).pathname.replace(/\/status$/, '');
  const sip = await signedIn('sip@demo.example');
  await clickAndCheck(sip, () => sip.goto(demo.baseUrl + listingPath).then(() => undefined));
  expect(await sip.getByRole('heading', { level: 1 }).innerText()).toBe('Anyshire Numeracy Team');
  const portrait = await sip.locator('main').innerText();
  expect(portrait).toContain('Oakfield Primary School');
  expect(portrait).toContain('Funded by the LA');
  expect(portrait).toContain('Checks up to date');
  for (const page of [provider, tradedServices, sip]) await page.context().close();
});
