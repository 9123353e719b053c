import path from 'node:path';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(90_000);
useTestDatabase();

const running = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

async function signedIn(email: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const page = await (await running.browser.newContext(options)).newPage();
  await page.goto(running.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

async function checked(page: Page): Promise<void> {
  await expectNoSeriousAccessibilityIssues(page);
}

describe('Traded Services and schools', () => {
  it('imports the GIAS sample by upload, without JavaScript, watching the progress page until the report', async () => {
    const page = await signedIn('tradedservices@demo.example', { javaScriptEnabled: false });
    await page.goto(running.baseUrl + paths.schools.import);
    await page.getByLabel('GIAS establishment file').setInputFiles(path.join(__dirname, '..', 'fixtures', 'gias', 'gias_subset.csv'));
    await page.getByRole('button', { name: 'Import schools' }).click();
    // The progress page reloads itself (meta refresh) until the import ends.
    await page.getByRole('heading', { name: 'Import report' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('British school overseas');
    await page.context().close();
  });

  it('searches schools, sets a level with a reason, and checks every page for accessibility', async () => {
    const page = await signedIn('tradedservices@demo.example');
    await page.goto(running.baseUrl + paths.schools.import);
    await checked(page);
    await page.goto(running.baseUrl + paths.schools.list);
    await checked(page);
    await page.getByLabel('School name or URN').fill('oakfield');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Oakfield Primary School' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Oakfield Primary School');
    await checked(page);

    await page.getByRole('link', { name: 'Change the support level' }).click();
    await checked(page);
    await page.getByLabel('3 Causing concern').check();
    await page.getByRole('button', { name: 'Save support level' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter why the level is being set');
    await checked(page);
    await page.getByLabel('Why is the level being set?').fill('Safeguarding concerns raised at the visit');
    await page.getByRole('button', { name: 'Save support level' }).click();
    await page.waitForURL(running.baseUrl + paths.schools.school('900001'));
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The support level has been recorded');
    expect(await page.locator('main').innerText()).toContain('Safeguarding concerns raised at the visit');
    await checked(page);

    await page.goto(running.baseUrl + paths.schools.scheme);
    await checked(page);
    await page.getByRole('link', { name: 'Change level 2' }).click();
    await checked(page);
    await page.context().close();
  });

  it('lets a SIP see their caseload and a school start its support plan from the priorities it recorded', async () => {
    const sip = await signedIn('sip@demo.example');
    expect(await sip.locator('main').innerText()).toContain('Riverside Academy');
    await checked(sip);
    await sip.getByRole('link', { name: 'Your schools', exact: true }).click();
    await sip.getByRole('link', { name: "St Anne's CofE Primary School" }).click();
    await checked(sip);
    await sip.context().close();

    const school = await signedIn('head.riverside@demo.example');
    await school.getByRole('link', { name: 'Your school' }).click();
    expect(await school.locator('main').innerText()).toContain('Causing concern');
    await school.getByRole('link', { name: 'Open the support plan page' }).click();
    expect(await school.locator('main').innerText()).toContain('Persistent absence is rising');
    await checked(school);
    await school.getByRole('button', { name: /^Start the \d{4}\/\d{2} plan$/ }).click();
    expect(await school.locator('.govuk-notification-banner').innerText()).toContain('This year’s plan has been started');
    expect(await school.getByRole('heading', { level: 2, name: 'Priority 1: Persistent absence is rising' }).count()).toBe(1);
    await checked(school);
    await school.goto(running.baseUrl + paths.schools.school('900001'));
    expect(await school.getByRole('heading', { level: 1 }).innerText()).toBe('You do not have permission to see this page');
    await school.context().close();
  });

  it('switches to the Derby scheme, adds a level, moves it and removes it', async () => {
    const page = await signedIn('tradedservices@demo.example');
    await page.goto(running.baseUrl + paths.schools.scheme);
    await page.getByLabel('Derby').check();
    await page.getByRole('button', { name: 'Use this scheme' }).click();
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The Derby scheme is now in use');
    const levels = page.locator('#levels tbody tr');
    expect(await levels.locator('td[data-label="Level"]').allInnerTexts()).toEqual([
      '1 Outstanding',
      '2 Good school with potential to become outstanding',
      '3a RI school with potential to become good',
      '3b RI (requires improvement)',
      '4 Inadequate',
      '1TV Outstanding, temporarily vulnerable',
      '2TV Good, temporarily vulnerable',
    ]);
    expect(await levels.locator('td[data-label="Entitlement"]').nth(3).innerText()).toBe('Up to 10 days of LA-funded support a year');
    await checked(page);

    await page.getByRole('link', { name: 'Add a level' }).click();
    await page.getByRole('button', { name: 'Add level' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter a code for the level');
    await checked(page);
    await page.getByLabel('Code').fill('3c');
    await page.getByLabel('Name').fill('RI, partner school support');
    await page.getByLabel('Visits a year from the LA’s officer (optional)').fill('6');
    await page.getByRole('button', { name: 'Add level' }).click();
    await page.waitForURL(running.baseUrl + paths.schools.scheme);
    expect(await levels.last().innerText()).toContain('6 visits a year from the LA’s officer');

    await page.getByRole('button', { name: 'Move up level 3c' }).click();
    await page.waitForURL(/#level-3c$/);
    expect(await levels.nth(6).locator('td[data-label="Level"]').innerText()).toBe('3c RI, partner school support');
    await checked(page);
    await page.getByRole('link', { name: 'Remove level 3c' }).click();
    expect(await page.locator('main').innerText()).toContain('No school is at this level now.');
    await checked(page);
    await page.getByRole('button', { name: 'Remove level' }).click();
    await page.waitForURL(running.baseUrl + paths.schools.scheme);
    expect(await levels.locator('td[data-label="Level"]').allInnerTexts()).not.toContain('3c RI, partner school support');
    await page.context().close();
  });
});
