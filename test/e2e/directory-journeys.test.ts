import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, seedDemoData } from '../../seed/demo-data';
import { paths } from '../../src/paths';
import { buildTestApp } from '../support/app';
import { expectNoSeriousAccessibilityIssues, expectNoSeriousAccessibilityIssuesWithoutJavaScript, useDemoAppInBrowser } from '../support/browser';
import { useTestDatabase } from '../support/database';
import { pdfText } from '../support/pdf-text';

jest.setTimeout(150_000);
useTestDatabase();

const demo = useDemoAppInBrowser(seedDemoData, () => buildTestApp());

async function signedInPage(email: string, options: { javaScriptEnabled?: boolean; viewport?: { width: number; height: number } } = {}): Promise<Page> {
  const page = await (await demo.browser.newContext(options)).newPage();
  await page.goto(demo.baseUrl + paths.signIn);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

const resultCount = async (page: Page) => Number((await page.locator('#results-heading').innerText()).match(/^(\d+)/)?.[1] ?? 0);

describe('a SIP preparing a school visit', () => {
  it('searches, filters, sorts and pages without JavaScript, then shortlists a provider with a note and prints it on A4', async () => {
    const page = await signedInPage('sip@demo.example', { javaScriptEnabled: false });
    await page.getByRole('link', { name: 'Find support' }).click();
    const everyone = await resultCount(page);
    expect(everyone).toBeGreaterThanOrEqual(40);

    await page.getByLabel('Search by name, subject, expertise or what the school needs').fill('maths ks2');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    expect(page.url()).toContain('q=maths+ks2');
    const maths = await resultCount(page);
    expect(maths).toBeGreaterThan(0);
    expect(maths).toBeLessThan(everyone);
    expect(await page.locator('.app-provider__why').first().innerText()).toContain('Why this matches:');

    await page.locator('input[name="capacity"]').check();
    await page.getByLabel('Sort by').selectOption('name');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain('capacity=yes');
    expect(page.url()).toContain('sort=name');
    const names = await page.locator('.app-provider h3').allInnerTexts();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en-GB')));

    await page.goto(demo.baseUrl + paths.directory.search);
    await page.getByRole('link', { name: 'Page 2' }).first().click();
    expect(page.url()).toContain('page=2');

    const firstName = (await page.locator('.app-provider h3').first().innerText()).trim();
    await page.locator('.app-provider').first().getByRole('link', { name: /Add to a shortlist/ }).click();
    await page.getByRole('link', { name: 'Start a new shortlist with this provider' }).click();
    await page.getByLabel('Name of the shortlist').fill('Oakfield autumn visit');
    await page.getByRole('radio', { name: 'Oakfield Primary School' }).check();
    await page.getByLabel(`Note about ${firstName} (optional)`).fill('Ask about Year 5 fluency');
    await page.getByRole('button', { name: 'Start shortlist' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Oakfield autumn visit');
    expect(await page.locator('main').innerText()).toContain(firstName);
    await page.context().close();
  });

  it('passes the accessibility check on every directory page, and prints a shortlist cleanly', async () => {
    const page = await signedInPage('sip@demo.example');
    for (const path of [
      `${paths.directory.search}?q=phonicks`,
      `${paths.directory.search}?q=numeracy+KS2&phase=primary&sort=capacity`,
      `${paths.directory.suggest}?text=our+new+head+needs+a+mentor&phase=primary`,
      paths.directory.print,
      paths.shortlists.index,
      paths.shortlists.new,
      paths.help,
    ]) {
      await page.goto(demo.baseUrl + path);
      await expectNoSeriousAccessibilityIssues(page);
    }
    await page.goto(`${demo.baseUrl}${paths.directory.search}?q=phonics`);
    await page.locator('.app-provider').first().getByRole('link', { name: /Add to a shortlist/ }).click();
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByRole('link', { name: 'Start a new shortlist with this provider' }).click();
    await page.getByLabel('Name of the shortlist').fill('Riverside follow-up');
    await page.getByRole('radio', { name: 'Riverside Academy' }).check();
    await page.getByRole('button', { name: 'Start shortlist' }).click();
    await page.goto(`${demo.baseUrl}${paths.directory.search}?q=phonics`);
    await page.locator('.app-provider').nth(1).getByRole('link', { name: /Add to a shortlist/ }).click();
    await page.getByRole('radio', { name: 'Riverside follow-up' }).check();
    await page.getByLabel('Note (optional)').fill('Phonics lead for Year 1');
    await page.getByRole('button', { name: 'Add to shortlist' }).click();
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByRole('link', { name: 'Print this shortlist' }).click();
    await expectNoSeriousAccessibilityIssues(page);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.govuk-service-navigation').isVisible()).toBe(false);
    expect(await page.locator('.app-print-only').innerText()).toMatch(/Printed on \d{1,2} \w+ \d{4}/);
    expect(await page.locator('main').innerText()).toContain('Phonics lead for Year 1');
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();
  });
});

describe('a SIP on a school visit with a phone and no JavaScript', () => {
  it('finds phonics support in the first screen, shortlists it for a caseload school picked by name, and prints a handout the head can act on', async () => {
    const phone = { width: 390, height: 844 };
    const page = await signedInPage('sip@demo.example', { javaScriptEnabled: false, viewport: phone });
    await page.goto(demo.baseUrl + paths.directory.search);
    await page.getByLabel('Search by name, subject, expertise or what the school needs').fill('phonicks year 1');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const firstResult = page.locator('.app-provider').first();
    expect(await firstResult.innerText()).toMatch(/phonic/i);
    expect((await firstResult.locator('h3').boundingBox())!.y + 20).toBeLessThan(phone.height);
    await expectNoSeriousAccessibilityIssuesWithoutJavaScript(page);

    const name = (await firstResult.locator('h3').innerText()).trim();
    await firstResult.locator('h3 a').click();
    const addToShortlist = page.getByRole('button', { name: 'Add to a shortlist' });
    expect((await addToShortlist.boundingBox())!.y).toBeLessThan(phone.height);
    const penPortraitPath = new URL(page.url()).pathname;
    await addToShortlist.click();
    await page.getByRole('link', { name: 'Start a new shortlist with this provider' }).click();
    await page.getByLabel('Name of the shortlist').fill('Oakfield phonics');
    await page.getByRole('radio', { name: 'Oakfield Primary School' }).check();
    await page.getByLabel(`Note about ${name} (optional)`).fill('Ask about the Year 1 screening check');
    await page.getByRole('button', { name: 'Start shortlist' }).click();
    await page.getByRole('link', { name: 'Print this shortlist' }).click();
    await expectNoSeriousAccessibilityIssuesWithoutJavaScript(page);
    expect(await page.getByText('use your browser’s Print command').isVisible()).toBe(true);

    await page.emulateMedia({ media: 'print' });
    const text = (await pdfText(await page.pdf({ format: 'A4' }))).replace(/\s+/g, ' ');
    expect(text).toContain(name);
    expect(text).toMatch(/[\w.-]+@[\w.-]+|\d{5} \d{3} \d{3}/);
    expect(text).toMatch(/Subjects [^]*Phonics/);
    expect(text).toContain('Ask about the Year 1 screening check');
    expect(text).toMatch(new RegExp(`https?://\\S+${penPortraitPath}`));
    await page.context().close();
  });
});

describe('Traded Services keeping the taxonomy', () => {
  it('renames a phase and sees the new name in the search filters', async () => {
    const page = await signedInPage('tradedservices@demo.example');
    await page.getByRole('link', { name: 'Taxonomy' }).click();
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByRole('link', { name: 'Phases', exact: true }).click();
    await page.waitForURL(demo.baseUrl + paths.taxonomyAdmin.list('phase'));
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByRole('link', { name: 'All-through', exact: true }).click();
    await page.waitForURL(demo.baseUrl + paths.taxonomyAdmin.term('phase', 'all-through'));
    await expectNoSeriousAccessibilityIssues(page);
    await page.getByLabel('Name', { exact: true }).fill('All-through (3 to 18)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(demo.baseUrl + paths.taxonomyAdmin.list('phase'));
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Saved “All-through (3 to 18)”');
    expect(await page.locator('table').innerText()).toContain('All-through (3 to 18)');
    await page.getByRole('link', { name: 'All-through (3 to 18)' }).click();
    await page.getByRole('link', { name: /Merge “All-through \(3 to 18\)”/ }).click();
    await page.waitForURL(demo.baseUrl + paths.taxonomyAdmin.merge('phase', 'all-through'));
    await expectNoSeriousAccessibilityIssues(page);
    await page.goto(demo.baseUrl + paths.directory.search);
    await page.locator('.app-filter summary', { hasText: 'Phase' }).click();
    expect(await page.locator('.app-filters').innerText()).toContain('All-through (3 to 18)');
    await page.context().close();
  });
});

describe('a SIP looking for support near a school', () => {
  it.each([
    ['at a desk', { width: 1280, height: 900 }, true],
    ['on a phone without JavaScript', { width: 390, height: 844 }, false],
  ] as const)('finds providers within 5 miles of Oakfield, nearest first, with miles on every card (%s)', async (_where, viewport, javaScriptEnabled) => {
    const page = await signedInPage('sip@demo.example', { viewport, javaScriptEnabled });
    const checkAccessibility = javaScriptEnabled ? expectNoSeriousAccessibilityIssues : expectNoSeriousAccessibilityIssuesWithoutJavaScript;
    await page.getByRole('link', { name: 'Find support' }).click();
    if (!(await page.getByLabel('Distance from').isVisible())) await page.locator('.app-filters > summary').click();
    // Their first caseload school by name is where distances start from.
    expect(await page.getByLabel('Distance from').locator('option:checked').innerText()).toBe('Oakfield Primary School');
    await page.getByLabel('How far from it').selectOption({ label: 'Within 5 miles' });
    await page.getByLabel('Sort by').selectOption({ label: 'Nearest first' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain('from=900001');
    expect(page.url()).toContain('within=5');
    expect(page.url()).toContain('sort=distance');
    expect(await page.locator('#results-heading').innerText()).toBe('15 providers found within 5 miles of Oakfield Primary School');

    const cards = page.locator('.app-provider--result');
    const distances = await cards.locator('.app-provider__distance').allInnerTexts();
    expect(distances).toHaveLength(await cards.count());
    expect(distances[0]).toBe('0.8 miles from Oakfield Primary School');
    const miles = distances.flatMap((text) => /^([\d.]+) miles/.exec(text)?.[1] ?? []).map(Number);
    expect(miles).toHaveLength(7);
    expect(miles).toEqual([...miles].sort((a, b) => a - b));
    expect(miles.every((value) => value <= 5)).toBe(true);
    expect(distances.slice(7).every((text) => text.startsWith('No single base'))).toBe(true);
    expect(await page.locator('main').innerText()).toContain('Distances are straight-line distances from Oakfield Primary School');
    await checkAccessibility(page);

    // The same from search by need; then a school that cannot be measured from says why, next to the field.
    await page.goto(`${demo.baseUrl}${paths.directory.suggest}?need=ks2-maths-progress-below-national&within=10&sort=distance`);
    expect(await page.locator('.app-provider__distance').first().innerText()).toMatch(/miles from Oakfield Primary School$/);
    await checkAccessibility(page);
    await page.goto(`${demo.baseUrl}${paths.directory.search}?from=999999&within=5`);
    expect(await page.locator('.govuk-error-summary').innerText()).toContain('No open school has the URN 999999');
    await checkAccessibility(page);
    await page.context().close();
  });
});
