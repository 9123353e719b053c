import type { Page } from 'playwright-core';
import { seedDemoData } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, signInAsDemoUser, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(120_000);
useTestDatabase();

const running = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const signedIn = (email: string, viewport: { width: number; height: number }) => signInAsDemoUser(running, email, { viewport });

const accountBar = (page: Page) => page.getByRole('navigation', { name: 'Your account' });

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
])('a trust’s school improvement lead, on a %s', (_width, viewport) => {
  it('signs in, picks the school they act for, sees its home, and switches to their other school', async () => {
    const page = await signedIn('trust.lead@demo.example', viewport);
    await page.waitForURL(running.baseUrl + paths.actingFor);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Which school are you acting for?');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByRole('button', { name: 'Continue' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select the school you are acting for');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByLabel('Oakfield Primary School').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(running.baseUrl + paths.dashboards.school);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Welcome, Morgan Ellis');
    expect(await page.locator('.govuk-caption-l').innerText()).toBe('Oakfield Primary School');
    expect(await accountBar(page).innerText()).toContain('Acting for Oakfield Primary School');
    // Riverside: a recommendation request, feedback due on completed support, and this term's feedback on its SIP.
    expect(await page.locator('.govuk-summary-list').filter({ hasText: 'Riverside Academy' }).innerText()).toContain('3 waiting');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByRole('button', { name: 'Switch to Riverside Academy' }).click();
    await page.waitForURL(running.baseUrl + paths.dashboards.school);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('You are now acting for Riverside Academy.');
    expect(await page.locator('.govuk-caption-l').innerText()).toBe('Riverside Academy');
    expect(await accountBar(page).innerText()).toContain('Acting for Riverside Academy');
    expect(await page.locator('.govuk-summary-list__key', { hasText: 'Feedback due on completed support' }).count()).toBe(1);
    await expectNoSeriousAccessibilityIssues(page);

    // The header's Change link leads back to the choice, with the school acted for now already selected.
    await accountBar(page).getByRole('link', { name: 'Change the school you are acting for' }).click();
    await page.waitForURL(running.baseUrl + paths.actingFor);
    expect(await page.getByLabel('Riverside Academy').isChecked()).toBe(true);
    await page.getByLabel('Oakfield Primary School').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(running.baseUrl + paths.dashboards.school);
    expect(await page.locator('.govuk-caption-l').innerText()).toBe('Oakfield Primary School');
    await page.context().close();
  });
});

describe('Traded Services', () => {
  it('see the trust lead’s schools on their page, with a way to link another and unlink one', async () => {
    const page = await signedIn('tradedservices@demo.example', DESKTOP);
    await page.goto(running.baseUrl + paths.admin.users);
    await page.getByRole('link', { name: 'Morgan Ellis' }).click();
    const schools = page.locator('#schools + p + dl');
    expect(await schools.innerText()).toContain('Oakfield Primary School');
    expect(await schools.innerText()).toContain('Riverside Academy');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByLabel('Link another school by its URN').fill('12');
    await page.getByRole('button', { name: 'Link school' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('A URN is 6 digits, like 123456');
    await expectNoSeriousAccessibilityIssues(page);
    await page.context().close();
  });
});
