import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { createUser } from '../support/factories';

jest.setTimeout(120_000);
useTestDatabase();

// Two failures allowed, so the lockout page is quick to reach.
const running = useDemoAppInBrowser(seedDemoData, () => buildTestApp({ SIGN_IN_MAX_FAILURES_PER_ACCOUNT: '2', SIGN_IN_MAX_FAILURES_PER_IP: '1000' }));

async function openPage(options: { javaScriptEnabled?: boolean; acceptDownloads?: boolean } = {}): Promise<Page> {
  return (await running.browser.newContext(options)).newPage();
}

async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto(running.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).innerText();

describe('account security in the browser', () => {
  it('Traded Services find security events from the Users page and filter them', async () => {
    const page = await openPage();
    await signIn(page, 'tradedservices@demo.example');
    await page.goto(running.baseUrl + paths.admin.users);
    await page.getByRole('link', { name: 'Security events' }).click();
    expect(await heading(page)).toBe('Security events');
    expect(await page.locator('tbody').innerText()).toContain('Signed in');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByLabel('Event').selectOption({ label: 'Sign-in failed' });
    await page.getByRole('button', { name: 'Show events' }).click();
    await page.waitForURL((url) => url.searchParams.get('type') === 'sign_in_failed');
    await page.getByText('There are no events like this').waitFor();
    await expectNoSeriousAccessibilityIssues(page);
    await page.context().close();
  });

  it('filters security events with JavaScript turned off', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await signIn(page, 'tradedservices@demo.example');
    await page.goto(running.baseUrl + paths.admin.securityEvents);
    await page.getByLabel('User’s email address').fill('tradedservices@demo.example');
    await page.getByRole('button', { name: 'Show events' }).click();
    expect(page.url()).toContain('email=tradedservices%40demo.example');
    expect(await page.locator('tbody').innerText()).toContain('Signed in');
    await page.context().close();
  });

  it('Traded Services erase a departed user after confirming with a reason', async () => {
    const departing = await createUser('sip', { name: 'Departing Adviser' });
    const page = await openPage();
    await signIn(page, 'tradedservices@demo.example');
    await page.goto(running.baseUrl + paths.admin.user(departing.id as string));
    await page.getByRole('link', { name: 'Erase Departing Adviser’s personal data' }).click();
    expect(await heading(page)).toBe('Erase this person’s personal data');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByRole('button', { name: 'Erase personal data' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter why this person’s data is being erased');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByLabel('Why is their data being erased?').fill('Left the authority and asked for erasure');
    await page.getByRole('button', { name: 'Erase personal data' }).click();
    expect(await heading(page)).toMatch(/^Former user [0-9a-f]{6}$/);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Departing Adviser’s personal data has been erased');
    await expectNoSeriousAccessibilityIssues(page);
    await page.context().close();
  });

  it('a provider downloads their data from their account page', async () => {
    const page = await openPage({ acceptDownloads: true });
    await signIn(page, 'provider@demo.example');
    await page.getByRole('link', { name: 'Your account' }).click();
    expect(await heading(page)).toBe('Your account');
    await expectNoSeriousAccessibilityIssues(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download your data (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^your-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile((await download.path())!, 'utf8')) as { account: { email: string }; listings: unknown[] };
    expect(data.account.email).toBe('provider@demo.example');
    expect(data.listings.length).toBeGreaterThan(0);
    await page.context().close();
  });

  it('a locked account is told when to try again and how to get in sooner', async () => {
    const page = await openPage();
    for (let attempt = 0; attempt < 3; attempt++) await signIn(page, 'head.riverside@demo.example', 'not the password');
    expect(await page.locator('.govuk-error-summary').innerText()).toMatch(/This account is locked .* You can try again after \d{1,2}:\d\d[ap]m \(in 1[45] minutes\)/);
    expect(await page.getByRole('link', { name: 'reset your password' }).getAttribute('href')).toBe(paths.forgottenPassword);
    await expectNoSeriousAccessibilityIssues(page);
    await page.context().close();
  });
});
