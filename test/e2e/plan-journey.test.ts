import type { Page } from 'playwright-core';
import { seedDemoData } from '../../seed/demo-data';
import { Listing } from '../../src/features/listings/listing.model';
import { academicYearFor, academicYearLabel } from '../../src/lib/academic-calendar';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { clickThrough, expectNoSeriousAccessibilityIssues, signInAsDemoUser, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { pdfText } from '../support/pdf-text';

jest.setTimeout(300_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp());
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const RIVERSIDE = '900002';
const startYear = Number(academicYearFor(new Date()).slice(0, 4));

/** Signed in at a width: the SIP at a desk, the head on a phone, so axe runs on pages at both. */
async function signedInPage(email: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await signInAsDemoUser(demo, email, { viewport });
  await expectNoSeriousAccessibilityIssues(page);
  return page;
}

async function fillMilestone(page: Page, row: number, text: string, [day, month, year]: [number, number, number]): Promise<void> {
  await page.locator(`#milestone-${row}-text`).fill(text);
  await page.locator(`#milestone-${row}-dueOn-day`).fill(String(day));
  await page.locator(`#milestone-${row}-dueOn-month`).fill(String(month));
  await page.locator(`#milestone-${row}-dueOn-year`).fill(String(year));
}

it('a SIP writes a caseload school’s plan and arranges support against a priority without retyping; reviews it; the head agrees it, rates the support against its objectives, and prints the plan', async () => {
  const sip = await signedInPage('sip@demo.example', DESKTOP);

  // Open a caseload school and start this year's plan: it starts from the priorities the school recorded.
  await clickThrough(sip, 'Your schools', 'link');
  await clickThrough(sip, 'Riverside Academy', 'link');
  await clickThrough(sip, 'Open the support plan page', 'link');
  expect(await sip.locator('main').innerText()).toContain('Persistent absence is rising');
  await clickThrough(sip, `Start the ${academicYearLabel(academicYearFor(new Date()))} plan`);
  expect(await sip.getByRole('heading', { level: 2, name: /^Priority \d/ }).allInnerTexts()).toEqual(['Priority 1: Persistent absence is rising', 'Priority 2: Quality of teaching is inconsistent']);

  // Objectives, success criteria and milestones for both priorities; a half-filled milestone is refused first.
  await clickThrough(sip, 'Change this priority and its milestones (Persistent absence is rising)', 'link');
  await sip.getByLabel('Objectives (optional)').fill('Bring persistent absence down to the national rate');
  await sip.getByLabel('Success criteria (optional)').fill('Persistent absence below 15% by the summer census');
  await sip.locator('#milestone-1-text').fill('Attendance officer in post');
  await clickThrough(sip, 'Save the priority');
  expect(await sip.locator('.govuk-error-summary').innerText()).toContain('Enter when milestone 1 is due');
  expect(await sip.locator('#milestone-1-text').inputValue()).toBe('Attendance officer in post');
  await fillMilestone(sip, 1, 'Attendance officer in post', [30, 11, startYear]);
  await fillMilestone(sip, 2, 'Absence below 18% in the spring census', [31, 3, startYear + 1]);
  await clickThrough(sip, 'Save the priority');
  await clickThrough(sip, 'Change this priority and its milestones (Quality of teaching is inconsistent)', 'link');
  await sip.getByLabel('Objectives (optional)').fill('Leaders coach every teacher to a consistent standard');
  await sip.getByLabel('Success criteria (optional)').fill('Lesson visits judge 90% of teaching consistent by Easter');
  await fillMilestone(sip, 1, 'Coaching programme agreed with leaders', [15, 12, startYear]);
  await clickThrough(sip, 'Save the priority');
  expect(await sip.locator('.app-plan-milestones').count()).toBe(2);

  // Support for a priority: the suggestions link a request that starts from the priority...
  await clickThrough(sip, 'Find support for this priority (Quality of teaching is inconsistent)', 'link');
  expect(await sip.getByRole('link', { name: /^Arrange support for this priority/ }).count()).toBeGreaterThan(0);
  // ...and so does a provider found any other way: here the LLE's pen portrait.
  const lle = (await Listing.findOne({ name: 'Priya Shah, Local Leader of Education' }).lean())!;
  await sip.goto(demo.baseUrl + paths.listings.listing(lle._id.toString()));
  await clickThrough(sip, 'Ask for support');
  await sip.getByText('Is this for a priority in a support plan?').click();
  await clickThrough(sip, 'Quality of teaching is inconsistent', 'link');
  expect(await sip.locator('.govuk-inset-text').innerText()).toContain('Riverside Academy’s priority: Quality of teaching is inconsistent');
  expect(await sip.getByLabel('Objectives').inputValue()).toBe('Leaders coach every teacher to a consistent standard');
  expect(await sip.getByLabel('How will you know it has worked?').inputValue()).toBe('Lesson visits judge 90% of teaching consistent by Easter');
  expect(await sip.getByLabel('What does the school need to improve?').inputValue()).toBe('Quality of teaching is inconsistent');
  await sip.getByLabel('Leadership and management').check();
  await sip.getByLabel('Number of days').fill('4');
  await sip.getByLabel('Day', { exact: true }).fill('18');
  await sip.getByLabel('Month', { exact: true }).fill('1');
  await sip.getByLabel('Year', { exact: true }).fill(String(startYear + 1));
  await sip.getByLabel('The school', { exact: true }).check();
  await clickThrough(sip, 'Continue');
  expect(await sip.locator('.govuk-summary-list').innerText()).toContain('Priority in the support plan');
  await clickThrough(sip, 'Send request');
  const reference = (await sip.locator('.govuk-panel__body strong').innerText()).trim();

  // The termly review: a status for each milestone, with a note.
  await sip.goto(demo.baseUrl + paths.plans.plan(RIVERSIDE));
  await clickThrough(sip, 'Record the termly review');
  await sip.getByRole('group', { name: /^Attendance officer in post/ }).getByLabel('On track').check();
  await sip.getByRole('group', { name: /^Coaching programme agreed/ }).getByLabel('Some concern').check();
  await sip.getByLabel('Note (optional)').nth(2).fill('Waiting for the school to confirm the LLE');
  await clickThrough(sip, 'Record the review');
  expect(await sip.locator('main').innerText()).toContain('Waiting for the school to confirm the LLE');

  // The head, on a phone: the plan waits to be agreed; they see the review and agree it.
  const head = await signedInPage('head.riverside@demo.example', PHONE);
  await clickThrough(head, 'View support plan to agree', 'link');
  expect(await head.locator('main').innerText()).toContain('Some concern');
  await clickThrough(head, 'Agree this plan');
  expect(await head.locator('.govuk-notification-banner').innerText()).toContain('You have agreed the plan');
  expect(await head.locator('main').innerText()).toContain('Agreed with the school by Rashid Khan');

  // The support runs: the head confirms it, the provider delivers, the head confirms completion.
  await head.goto(demo.baseUrl + paths.commissions.list);
  await clickThrough(head, reference, 'link');
  const commissionUrl = head.url();
  expect(await head.locator('main').innerText()).toContain('Priority in the school’s support plan');
  await clickThrough(head, 'Confirm this support');
  const provider = await signedInPage('provider@demo.example', DESKTOP);
  await provider.goto(commissionUrl);
  await clickThrough(provider, 'Accept');
  await clickThrough(provider, 'Mark as delivered');
  await head.goto(commissionUrl);
  await clickThrough(head, 'Confirm the support is complete');

  // Feedback asks against the objectives and success criteria it shows.
  await clickThrough(head, 'Give impact feedback');
  const agreed = await head.locator('main .govuk-summary-list').first().innerText();
  expect(agreed).toContain('Leaders coach every teacher to a consistent standard');
  expect(agreed).toContain('Lesson visits judge 90% of teaching consistent by Easter');
  await head.getByRole('group', { name: /were the objectives met\?/ }).getByLabel('Partly met').check();
  for (const [legend, score] of [['Quality of support', '5'], ['Impact on pupils’ outcomes', '4'], ['Value for money', '4'], ['Would recommend', '5']] as const) {
    await head.getByRole('group', { name: legend }).getByLabel(score, { exact: true }).check();
  }
  await head.getByLabel('What changed as a result?').fill('Teaching is more consistent in Years 7 and 8');
  await clickThrough(head, 'Send feedback');

  // The plan shows the priority's support and its rated impact; printed on A4 it is the termly meeting's copy.
  await head.goto(demo.baseUrl + paths.plans.plan(RIVERSIDE));
  await expectNoSeriousAccessibilityIssues(head);
  expect(await head.locator('.app-plan-priority').nth(1).innerText()).toContain('objectives partly met; impact on pupils’ outcomes rated 4 out of 5');
  await head.setViewportSize(DESKTOP);
  await head.emulateMedia({ media: 'print' });
  expect(await head.locator('.govuk-button').first().isVisible()).toBe(false);
  const pdf = await head.pdf({ format: 'A4', printBackground: false });
  // One sheet for the termly meeting.
  expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);
  const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
  expect(text).toContain(`Support plan ${academicYearLabel(academicYearFor(new Date()))}`);
  expect(text).toContain('Priority 1: Persistent absence is rising');
  expect(text).toContain('Absence below 18% in the spring census');
  expect(text).toContain('Leaders coach every teacher to a consistent standard');
  expect(text).toContain('Waiting for the school to confirm the LLE');
  expect(text).toContain(reference);
  expect(text).toContain('Agreed with the school by Rashid Khan');
  expect(text).not.toContain('Agree this plan');
  for (const page of [sip, head, provider]) await page.context().close();
});
