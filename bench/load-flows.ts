// What each role does in a load run, as a person would through the pages: sign in, a visit of several
// steps chosen by weight (searches, pen portraits, commissions, feedback, shortlists, queues, reports),
// sign out, and again. Commissions move through their whole life between the virtual users: schools ask,
// providers accept, start and deliver, schools confirm and give feedback, Traded Services approve.
import { paths } from '../src/paths';
import type { LoadPeople } from './load-people';
import { linkedIds, type Visitor } from './visitor';

export type Role = 'school' | 'sip' | 'provider' | 'traded_services';
export type VirtualUser = { role: Role; email: string; urn?: string; caseloadUrns?: string[] };

type Step = (v: Visitor, user: VirtualUser, people: LoadPeople) => Promise<void>;

const QUERIES = ['maths ks2', 'phonics', 'new head needs a mentor', 'SEND', 'early years', 'governance', 'attendance', 'behaviour secondary', 'reading', 'leadership coaching', 'safeguarding', 'ks3 english', 'science', 'mental health', 'finance'];
const FILTERS = ['', '&phase=primary', '&phase=secondary', '&capacity=yes', '&sort=capacity', '&page=2'];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/** Picks a step by weight. */
function weighted(steps: [number, Step][]): Step {
  let roll = Math.random() * steps.reduce((sum, [weight]) => sum + weight, 0);
  for (const [weight, step] of steps) if ((roll -= weight) < 0) return step;
  return steps[steps.length - 1]![1];
}

async function searchAndRead(v: Visitor): Promise<void> {
  const page = await v.get('GET /directory (search)', `${paths.directory.search}?q=${encodeURIComponent(pick(QUERIES))}${pick(FILTERS)}`);
  const results = linkedIds(page.body, '/listings');
  if (results.length) await v.get('GET /listings/:id (pen portrait)', paths.listings.listing(pick(results.slice(0, 5))));
}

async function searchByNeed(v: Visitor): Promise<void> {
  await v.get('GET /directory/suggest', `${paths.directory.suggest}?text=${encodeURIComponent(pick(QUERIES))}`);
}

/** Checkbox values and select options a form offers for a field. */
function choices(body: string, name: string): string[] {
  const checkboxes = [...body.matchAll(new RegExp(`name="${name}" type="checkbox" value="([^"]+)"`, 'g'))].map((m) => m[1]!);
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(body)?.[1] ?? '';
  const options = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]!);
  return [...checkboxes, ...options];
}

function startDate(): Record<string, string> {
  const date = new Date(Date.now() + between(14, 600) * 86_400_000);
  return { 'startOn-day': String(date.getUTCDate()), 'startOn-month': String(date.getUTCMonth() + 1), 'startOn-year': String(date.getUTCFullYear()) };
}

/**
 * Reads a provider's pen portrait and asks for (or, for a SIP, arranges) support from it. Returns the new
 * commission's id when the app acknowledged it (the redirect to its "request sent" page).
 */
export async function requestSupport(v: Visitor, user: VirtualUser, people: LoadPeople): Promise<string | undefined> {
  const listingId = pick(people.commissionableListingIds);
  await v.get('GET /listings/:id (pen portrait)', paths.listings.listing(listingId));
  const form = await v.get('GET /commissions/new', paths.commissions.newFor(listingId));
  if (form.status !== 200) return undefined;
  const fundedByLa = form.body.includes('<input type="hidden" name="funding" value="la">');
  const categories = choices(form.body, 'categories');
  const schools = user.role === 'sip' ? choices(form.body, 'school') : [];
  if (user.role === 'sip' && !schools.length) return undefined;
  const request = {
    listing: listingId,
    ...(schools.length ? { school: pick(schools) } : {}),
    need: 'Reading at KS2 is below national and falling',
    categories: categories.length ? [pick(categories)] : [],
    objectives: 'Raise the proportion of pupils reading at the expected standard.',
    successCriteria: 'KS2 reading results at or above national within two years.',
    days: String(between(1, 3)),
    ...startDate(),
    funding: fundedByLa || Math.random() < 0.3 ? 'la' : 'school',
  };
  const posted = await v.post('POST /commissions/new', paths.commissions.new, request, 'GET /commissions/new/check');
  if (posted.location !== paths.commissions.check) return undefined;
  const sent = await v.post('POST /commissions/new/check', paths.commissions.check, {}, 'GET /commissions/:id/requested');
  return sent.status === 200 ? /^\/commissions\/([a-f0-9]{24})\/requested$/.exec(sent.location ?? '')?.[1] : undefined;
}

/** The steps a commission page offers this user: buttons (forms posting to it) and links to a form of their own. */
function offeredSteps(body: string, id: string): { buttons: string[]; links: string[]; feedback: boolean } {
  return {
    buttons: [...body.matchAll(new RegExp(`action="/commissions/${id}/([a-z-]+)"`, 'g'))].map((m) => m[1]!),
    links: [...body.matchAll(new RegExp(`href="/commissions/${id}/([a-z-]+)"`, 'g'))].map((m) => m[1]!),
    feedback: body.includes(`href="${paths.commissions.feedback(id)}"`),
  };
}

async function giveFeedback(v: Visitor, id: string): Promise<void> {
  const form = await v.get('GET /commissions/:id/feedback', paths.commissions.feedback(id));
  if (form.status !== 200) return;
  const rating = () => String(between(2, 5));
  const answers = {
    quality: rating(),
    impact: rating(),
    value: rating(),
    recommend: rating(),
    whatChanged: 'Pupils read more widely and teachers plan reading lessons together.',
  };
  await v.postMultipart('POST /commissions/:id/feedback', paths.commissions.feedback(id), answers, 'GET /commissions/:id');
}

async function giveReason(v: Visitor, id: string, action: string, reason: string): Promise<void> {
  const form = await v.get(`GET /commissions/:id/${action}`, paths.commissions.action(id, action));
  if (form.status === 200) await v.post(`POST /commissions/:id/${action}`, paths.commissions.action(id, action), { reason }, 'GET /commissions/:id');
}

/**
 * Opens the commissions list and takes the next step on one waiting for this user, as its page offers;
 * or, with the chance given, cancels it instead.
 */
export async function actOnWaitingCommission(v: Visitor, user: VirtualUser, cancelChance = 0): Promise<void> {
  const list = await v.get('GET /commissions', paths.commissions.list);
  const waitingTable = /Waiting for you<\/caption>([\s\S]*?)<\/table>/.exec(list.body)?.[1] ?? '';
  const waiting = linkedIds(waitingTable, '/commissions');
  if (!waiting.length) return;
  const id = pick(waiting.slice(0, 5));
  const page = await v.get('GET /commissions/:id', paths.commissions.commission(id));
  const offered = offeredSteps(page.body, id);
  if (offered.links.includes('cancel') && Math.random() < cancelChance) return giveReason(v, id, 'cancel', 'Our plans have changed.');
  if (offered.feedback) return giveFeedback(v, id);
  const button = ['confirm', 'accept', 'start', 'mark-delivered', 'confirm-completion'].find((action) => offered.buttons.includes(action));
  if (button) {
    const after = await v.post(`POST /commissions/:id/${button}`, paths.commissions.action(id, button), {}, 'GET /commissions/:id');
    // Beyond the listing's capacity: the provider says no rather than leave the school waiting.
    if (button === 'accept' && after.body.includes('beyond this listing’s capacity')) await giveReason(v, id, 'decline', 'We have no days left in that term.');
    return;
  }
  if (user.role === 'traded_services' && offered.links.includes('approve')) await giveReason(v, id, 'approve', 'The school is a priority for the LA this year.');
}

async function shortlist(v: Visitor, user: VirtualUser, people: LoadPeople): Promise<void> {
  const index = await v.get('GET /shortlists', paths.shortlists.index);
  const own = linkedIds(index.body, '/shortlists');
  if (own.length === 0 || Math.random() < 0.1) {
    await v.get('GET /shortlists/new', paths.shortlists.new);
    const urn = user.role === 'sip' ? pick(user.caseloadUrns!) : undefined;
    await v.post('POST /shortlists/new', paths.shortlists.new, { title: `Reading support ${between(1, 999)}`, ...(urn ? { schoolUrn: urn } : {}) }, 'GET /shortlists/:id');
    return;
  }
  const shortlistId = pick(own);
  await v.get('GET /shortlists/:id', paths.shortlists.show(shortlistId));
  const listingId = pick(people.commissionableListingIds);
  const add = await v.get('GET /directory/providers/:id/shortlist', paths.directory.addToShortlist(listingId));
  const mine = choices(add.body, 'shortlist').filter((id) => id.length === 24);
  if (mine.length) await v.post('POST /directory/providers/:id/shortlist', paths.directory.addToShortlist(listingId), { shortlist: pick(mine), note: 'Worth a visit' }, 'GET /shortlists/:id');
}

const SCHOOL_STEPS: [number, Step][] = [
  [2, (v) => v.get('GET /school (home)', paths.dashboards.school).then(() => undefined)],
  [4, (v) => searchAndRead(v)],
  [1, (v) => searchByNeed(v)],
  [2, (v, user, people) => requestSupport(v, user, people).then(() => undefined)],
  [3, (v, user) => actOnWaitingCommission(v, user)],
  [1, shortlist],
];

const SIP_STEPS: [number, Step][] = [
  [2, (v) => v.get('GET /sip (home)', paths.dashboards.sip).then(() => undefined)],
  [2, (v) => v.get('GET /your-schools', paths.schools.yourSchools).then(() => undefined)],
  [3, (v, user) => v.get('GET /schools/:urn (caseload school)', paths.schools.school(pick(user.caseloadUrns!))).then(() => undefined)],
  [3, (v) => searchAndRead(v)],
  [1, (v) => searchByNeed(v)],
  [2, shortlist],
  [1, (v, user, people) => requestSupport(v, user, people).then(() => undefined)],
  [1, (v) => v.get('GET /reports', paths.reports.commissions).then(() => undefined)],
];

const PROVIDER_STEPS: [number, Step][] = [
  [2, (v) => v.get('GET /provider (home)', paths.dashboards.provider).then(() => undefined)],
  [1, (v) => v.get('GET /your-listings', paths.listings.own).then(() => undefined)],
  [5, (v, user) => actOnWaitingCommission(v, user)],
  [1, (v) => searchAndRead(v)],
];

const TRADED_SERVICES_STEPS: [number, Step][] = [
  [2, (v) => v.get('GET /traded-services (home)', paths.dashboards.traded_services).then(() => undefined)],
  [2, (v) => v.get('GET /listings (queue)', paths.listings.queue).then(() => undefined)],
  [1, (v) => v.get('GET /feedback/attention', paths.feedbackAttention).then(() => undefined)],
  [1, (v) => v.get('GET /reports', paths.reports.commissions).then(() => undefined)],
  [2, (v, user) => actOnWaitingCommission(v, user)],
  [1, (v) => searchAndRead(v)],
];

const STEPS: Record<Role, [number, Step][]> = { school: SCHOOL_STEPS, sip: SIP_STEPS, provider: PROVIDER_STEPS, traded_services: TRADED_SERVICES_STEPS };

/**
 * Visits by one person until `running()` says stop: sign in, 40 to 60 steps with a pause of up to twice
 * `thinkMs` after each (reading the page), sign out; and again. People sign in once for a stretch of work,
 * not every few pages: signing in is deliberately expensive (argon2id).
 */
export async function visitRepeatedly(v: Visitor, user: VirtualUser, people: LoadPeople, running: () => boolean, thinkMs = 0): Promise<void> {
  while (running()) {
    if (!(await v.signIn(user.email))) {
      await new Promise((resolve) => setTimeout(resolve, 5000)); // as a person would wait before trying again
      continue;
    }
    for (let step = between(40, 60); step > 0 && running(); step--) {
      await weighted(STEPS[user.role])(v, user, people);
      if (thinkMs) await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * thinkMs));
    }
    if (running()) await v.signOut();
  }
}

/** The virtual users of a run, in the given shares of each role, each signing in as a person of their own. */
export function virtualUsers(people: LoadPeople, count: number, shares: Record<Role, number>): VirtualUser[] {
  const total = Object.values(shares).reduce((sum, share) => sum + share, 0);
  const users: VirtualUser[] = [];
  const counts = Object.fromEntries(Object.entries(shares).map(([role, share]) => [role, Math.round((count * share) / total)])) as Record<Role, number>;
  for (let i = 0; i < counts.school; i++) users.push({ role: 'school', ...people.schools[i % people.schools.length]! });
  for (let i = 0; i < counts.sip; i++) users.push({ role: 'sip', email: people.sips[i % people.sips.length]!.email, caseloadUrns: people.sips[i % people.sips.length]!.caseloadUrns });
  for (let i = 0; i < counts.provider; i++) users.push({ role: 'provider', email: people.providers[i % people.providers.length]!.email });
  for (let i = 0; i < counts.traded_services; i++) users.push({ role: 'traded_services', email: people.tradedServices[i % people.tradedServices.length]! });
  return users;
}
