import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData } from '../../seed/demo-data';
import { navigationFor, type Role } from '../../src/web/identity';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';

jest.setTimeout(120_000);
useTestDatabase();

const running = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

/** A page in a fresh browser context (its own cookies); axe needs pages made this way. */
async function openPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await running.browser.newContext(options);
  return context.newPage();
}

async function closePage(page: Page): Promise<void> {
  await page.context().close();
}

async function visit(page: Page, path: string): Promise<void> {
  await page.goto(running.baseUrl + path);
  await expectNoSeriousAccessibilityIssues(page);
}

/** axe runs as a script, so with JavaScript off the page is only loaded (the same pages are checked with it on). */
async function signIn(page: Page, email: string, password = DEMO_PASSWORD, { checkAccessibility = true } = {}): Promise<void> {
  if (checkAccessibility) await visit(page, paths.signIn);
  else await page.goto(running.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const oneUserPerRole = (['sip', 'school', 'provider', 'traded_services'] as Role[]).map(
  (role) => DEMO_USERS.find((user) => user.role === role)!,
);

describe.each(oneUserPerRole)('$role journey', ({ email, name, role }) => {
  it('signs in, sees only its own navigation, visits every page in it, and signs out', async () => {
    const page = await openPage();
    await signIn(page, email);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Welcome, ${name}`);
    await expectNoSeriousAccessibilityIssues(page);

    const navigation = page.getByRole('navigation', { name: /menu|navigation/i });
    const expected = navigationFor(role).map((item) => item.text);
    expect(await navigation.getByRole('link').allInnerTexts()).toEqual(expect.arrayContaining(expected));
    if (role !== 'traded_services') expect(await page.getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);

    for (const item of navigationFor(role)) {
      await visit(page, item.href);
      expect(page.url()).toBe(running.baseUrl + item.href);
    }
    await visit(page, paths.changePassword);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(running.baseUrl + paths.signIn);
    await page.goto(running.baseUrl + paths.dashboards[role]);
    expect(page.url()).toBe(running.baseUrl + paths.signIn);
    await closePage(page);
  });
});

describe('forms and errors', () => {
  it('shows an accessible error summary for a failed sign-in, keeping the email typed', async () => {
    const page = await openPage();
    await signIn(page, 'head.oakfield@demo.example', 'not the password');
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Enter a correct email address and password');
    expect(await page.getByLabel('Email address').inputValue()).toBe('head.oakfield@demo.example');
    expect(await page.getByLabel('Password', { exact: true }).inputValue()).toBe('');
    await expectNoSeriousAccessibilityIssues(page);
    await closePage(page);
  });

  it('lets Traded Services invite a user, who sets a password with the emailed link', async () => {
    const page = await openPage();
    await signIn(page, 'tradedservices@demo.example');
    await visit(page, paths.admin.newUser);
    await page.getByLabel('Full name').fill('Nadia New');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const summary = await page.locator('.govuk-error-summary').innerText();
    expect(summary).toContain('Enter their email address');
    expect(summary).toContain('Select a role');
    expect(await page.getByLabel('Full name').inputValue()).toBe('Nadia New');
    await expectNoSeriousAccessibilityIssues(page);

    await page.getByLabel('Email address').fill('nadia.new@demo.example');
    await page.getByLabel('School', { exact: true }).check();
    await page.getByLabel('School URN (for school users)').fill('900003');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Nadia New');
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Nadia New has been invited');
    await expectNoSeriousAccessibilityIssues(page);
    await visit(page, paths.admin.users);
    await visit(page, paths.admin.outbox);
    const link = /http:\/\/\S+set-password\?token=[\w-]+/.exec(await page.locator('.app-mail-text').first().innerText())![0];
    await closePage(page);

    const newcomer = await openPage();
    await visit(newcomer, new URL(link).pathname + new URL(link).search);
    await newcomer.getByLabel('Password', { exact: true }).fill('nadia chooses a passphrase');
    await newcomer.getByLabel('Confirm password').fill('nadia chooses a passphrase');
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    expect(await newcomer.locator('.govuk-notification-banner').innerText()).toContain('Your password has been set');
    await expectNoSeriousAccessibilityIssues(newcomer);
    await signIn(newcomer, 'nadia.new@demo.example', 'nadia chooses a passphrase', { checkAccessibility: false });
    expect(await newcomer.getByRole('heading', { level: 1 }).innerText()).toBe('Welcome, Nadia New');
    await visit(newcomer, new URL(link).pathname + new URL(link).search);
    expect(await newcomer.getByRole('heading', { level: 1 }).innerText()).toBe('This link has already been used');
    await closePage(newcomer);
  });

  it('asks for a password reset link', async () => {
    const page = await openPage();
    await visit(page, paths.signIn);
    await page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByLabel('Email address').fill('sip@demo.example');
    await page.getByRole('button', { name: 'Send the link' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Check your email');
    await expectNoSeriousAccessibilityIssues(page);
    await closePage(page);
  });

  it('works with JavaScript turned off', async () => {
    const page = await openPage({ javaScriptEnabled: false });
    await signIn(page, 'provider@demo.example', DEMO_PASSWORD, { checkAccessibility: false });
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Welcome, Priya Shah');
    expect(await page.locator('body').getAttribute('class')).not.toContain('js-enabled');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(running.baseUrl + paths.signIn);
    await closePage(page);
  });

  it('hides navigation and shows the printed date when printed', async () => {
    const page = await openPage();
    await signIn(page, 'sip@demo.example');
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.govuk-service-navigation').isVisible()).toBe(false);
    expect(await page.locator('.app-print-only').innerText()).toMatch(/Printed on \d{1,2} \w+ \d{4}/);
    await closePage(page);
  });

  it('shows friendly error pages', async () => {
    const page = await openPage();
    await signIn(page, 'sip@demo.example');
    await visit(page, '/no-such-page');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Page not found');
    await visit(page, paths.admin.users);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('You do not have permission to see this page');
    await closePage(page);
  });
});
