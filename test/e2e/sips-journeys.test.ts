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

const signedIn = (email: string, viewport = DESKTOP) => signInAsDemoUser(running, email, { viewport });

/** axe at the page's own width and at a phone's (each with the reflow check at 320 px, 390 px and its width). */
async function checkedAtBothWidths(page: Page): Promise<void> {
  const own = page.viewportSize()!;
  await expectNoSeriousAccessibilityIssues(page);
  await page.setViewportSize(own.width === PHONE.width ? DESKTOP : PHONE);
  try {
    await expectNoSeriousAccessibilityIssues(page);
  } finally {
    await page.setViewportSize(own);
  }
}

const main = (page: Page) => page.locator('main').innerText();

describe('School Improvement Partners', () => {
  it('Traded Services choose a SIP for a school from ranked suggestions with reasons; a lapsed licence is flagged and not offered', async () => {
    const page = await signedIn('tradedservices@demo.example');
    expect(await main(page)).toContain('SIPs whose licence to practise has lapsed');
    await page.getByRole('link', { name: 'Schools', exact: true }).click();
    await page.getByLabel('School name or URN').fill('brookfield');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Brookfield Infant School' }).click();
    expect(await main(page)).toContain('Not in a SIP’s caseload.');
    await checkedAtBothWidths(page);

    await page.getByRole('link', { name: 'Choose a SIP' }).click();
    await checkedAtBothWidths(page);
    const suggestions = page.locator('.govuk-radios__item');
    expect(await suggestions.nth(0).innerText()).toMatch(/^1\. Alex Reid[^]*Works in the primary phase[^]*Specialism for “Phonics outcomes are falling”: English and literacy, Early years \(EYFS\)[^]*Capacity not set/);
    expect(await suggestions.nth(1).innerText()).toMatch(/^2\. Sam Patel[^]*No specialism matches the school’s priorities[^]*5 days left of 20 a year \(3 schools × 5 days\)/);
    const notOffered = await page.locator('main ul.govuk-list').last().innerText();
    expect(notOffered).toContain('Jordan Hale: Licence to practise lapsed');
    expect(await page.getByLabel(/Jordan Hale/).count()).toBe(0);

    await page.getByRole('button', { name: 'Save SIP' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('Select a School Improvement Partner, or no SIP');
    await checkedAtBothWidths(page);
    await page.getByLabel(/Alex Reid/).check();
    await page.getByRole('button', { name: 'Save SIP' }).click();
    await page.waitForURL(running.baseUrl + paths.schools.school('900006'));
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('The school is now in that SIP’s caseload');
    expect(await main(page)).toContain('Alex Reid');

    // The lapsed SIP: flagged on the SIPs page and on their profile, with their school kept.
    await page.goto(running.baseUrl + paths.sips.list);
    expect(await page.locator('tr', { hasText: 'Jordan Hale' }).innerText()).toContain('Licence lapsed');
    await checkedAtBothWidths(page);
    await page.getByRole('link', { name: 'Jordan Hale' }).click();
    expect(await main(page)).toContain('They keep their schools, but are not offered for new ones');
    expect(await main(page)).toContain('Hillcrest School');
    await checkedAtBothWidths(page);
    await page.getByRole('link', { name: 'Record the licence and capacity' }).click();
    await checkedAtBothWidths(page);
    await page.context().close();
  });

  it('the head gives termly feedback on their SIP, on a phone, and Traded Services read it', async () => {
    const head = await signedIn('head.riverside@demo.example', PHONE);
    await head.getByRole('link', { name: 'Feedback on your SIP this term' }).click();
    expect(await main(head)).toContain('How has Sam Patel worked with your school this term?');
    await checkedAtBothWidths(head);
    await head.getByRole('group', { name: 'Professional challenge and support for the school’s leaders' }).getByLabel('4').check();
    await head.getByLabel('Anything to add (optional)').fill('Helped us see our attendance data clearly.');
    await head.getByRole('button', { name: 'Send feedback' }).click();
    expect(await head.locator('.govuk-error-summary').innerText()).toContain('Select a rating for evaluation and priorities');
    expect(await head.getByLabel('Anything to add (optional)').inputValue()).toBe('Helped us see our attendance data clearly.');
    await checkedAtBothWidths(head);
    await head.getByRole('group', { name: 'Helping leaders evaluate performance and identify priorities for improvement' }).getByLabel('5').check();
    await head.getByRole('group', { name: 'Finding and brokering the right support' }).getByLabel('3').check();
    await head.getByRole('button', { name: 'Send feedback' }).click();
    expect(await head.locator('.govuk-notification-banner').innerText()).toContain('your feedback has gone to Traded Services');
    expect(await main(head)).toContain('You can give feedback again next term');
    await checkedAtBothWidths(head);
    await head.context().close();

    const admin = await signedIn('tradedservices@demo.example');
    await admin.goto(running.baseUrl + paths.sips.list);
    await admin.getByRole('link', { name: 'Sam Patel' }).click();
    expect(await main(admin)).toContain('Helped us see our attendance data clearly.');
    expect(await admin.locator('tr', { hasText: 'Riverside Academy' }).innerText()).toContain('Evaluation and priorities: 5');
    await checkedAtBothWidths(admin);
    await admin.context().close();
  });

  it('a SIP whose licence is due keeps their own profile up to date', async () => {
    const sip = await signedIn('sip.reid@demo.example', PHONE);
    await sip.getByRole('link', { name: 'Your licence to practise, to renew' }).click();
    expect(await main(sip)).toContain('Licence to practise due for renewal by');
    expect(await main(sip)).not.toContain('Feedback from heads');
    await checkedAtBothWidths(sip);
    await sip.getByRole('link', { name: 'Change the profile' }).click();
    await checkedAtBothWidths(sip);
    await sip.getByLabel('Special').check();
    await sip.getByRole('button', { name: 'Save profile' }).click();
    expect(await main(sip)).toMatch(/Phases\s+Early years \(EYFS\), Primary, Special/);
    await sip.context().close();
  });
});
