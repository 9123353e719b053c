import { PROVIDER_TYPE_LABELS, type ProviderType } from '../src/features/listings/listing-vocabulary';
import { DEFAULT_TAXONOMY } from '../src/features/taxonomy/taxonomy.defaults';
import type { GridReference } from '../src/lib/grid-distance';

/**
 * Plausible pen portraits for the demo directory and the search benchmark, generated from a seed so
 * every run makes the same ones. All names are fictional: people, and schools in "Anyshire".
 */

function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const count = min + Math.floor(next() * (max - min + 1));
    return [...new Set(Array.from({ length: count }, () => pick(items)))];
  };
  return { next, pick, some, between: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

const FIRST = ['Amira', 'Ben', 'Carys', 'Dev', 'Elin', 'Femi', 'Grace', 'Hamza', 'Isla', 'Jonah', 'Kiran', 'Leah', 'Marek', 'Nadia', 'Owen', 'Priti', 'Rhys', 'Sana', 'Tom', 'Uma', 'Vik', 'Wendy', 'Yusuf', 'Zoe'];
const LAST = ['Adeyemi', 'Barker', 'Chowdhury', 'Doyle', 'Evans', 'Fraser', 'Gill', 'Hughes', 'Iqbal', 'Jones', 'Kowalski', 'Lloyd', 'Mensah', 'Nolan', 'Okafor', 'Price', 'Quinn', 'Rahman', 'Singh', 'Turner', 'Walsh', 'Young'];
const PLACES = ['Ashbury', 'Bramley', 'Castlegate', 'Dunmore', 'Elmfield', 'Foxhill', 'Greystone', 'Harrow Vale', 'Ivybridge', 'Juniper Hill', 'Kingsmead', 'Larkrise', 'Millbrook', 'Northgate', 'Oakridge', 'Pennington', 'Queensway', 'Riverside', 'Stonebridge', 'Thornbury', 'Upton', 'Westwood'] as const;
const SCHOOL_KINDS = ['Primary School', 'C of E Primary School', 'Infant School', 'Junior School', 'Academy', 'High School', 'Community College', 'Special School'] as const;
export const DEMO_AREAS = ['North Anyshire', 'South Anyshire', 'East Anyshire', 'West Anyshire', 'Anyshire City'];

/**
 * Where each place in fictional Anyshire sits on the British National Grid (metres), spread over about
 * 26 miles east to west and 24 north to south, around Castlegate (where Oakfield Primary is).
 */
export const PLACE_GRID: Record<(typeof PLACES)[number], GridReference> = {
  Ashbury: { easting: 424000, northing: 271000 },
  Bramley: { easting: 436500, northing: 277500 },
  Castlegate: { easting: 431000, northing: 281500 },
  Dunmore: { easting: 412500, northing: 298000 },
  Elmfield: { easting: 427000, northing: 284500 },
  Foxhill: { easting: 441500, northing: 289000 },
  Greystone: { easting: 418000, northing: 262500 },
  'Harrow Vale': { easting: 448500, northing: 270500 },
  Ivybridge: { easting: 435000, northing: 296500 },
  'Juniper Hill': { easting: 421000, northing: 278500 },
  Kingsmead: { easting: 452500, northing: 283500 },
  Larkrise: { easting: 415500, northing: 285500 },
  Millbrook: { easting: 433500, northing: 274000 },
  Northgate: { easting: 429500, northing: 289500 },
  Oakridge: { easting: 444000, northing: 301500 },
  Pennington: { easting: 410500, northing: 270000 },
  Queensway: { easting: 426000, northing: 290500 },
  Riverside: { easting: 434500, northing: 281500 },
  Stonebridge: { easting: 439000, northing: 264000 },
  Thornbury: { easting: 417000, northing: 276000 },
  Upton: { easting: 447000, northing: 280000 },
  Westwood: { easting: 412000, northing: 281500 },
};

const PHASE_OF_KIND: Record<(typeof SCHOOL_KINDS)[number], string> = {
  'Primary School': 'Primary',
  'C of E Primary School': 'Primary',
  'Infant School': 'Primary',
  'Junior School': 'Primary',
  Academy: 'Secondary',
  'High School': 'Secondary',
  'Community College': 'Secondary',
  'Special School': 'Special',
};

export type GeneratedSchool = { name: string; phase: string; grid: GridReference };

/**
 * The school a generated provider works in (its organisation), placed a few hundred metres from its town's
 * centre by kind of school, so two schools of one town are apart; none for a traded service, which has no
 * single base.
 */
export function employingSchoolOf(listing: Pick<GeneratedListing, 'providerType' | 'organisation'>): GeneratedSchool | null {
  if (listing.providerType === 'traded_service') return null;
  const place = PLACES.find((name) => listing.organisation.startsWith(`${name} `));
  const kind = SCHOOL_KINDS.find((name) => listing.organisation === `${place} ${name}`);
  if (!place || !kind) return null;
  const offset = SCHOOL_KINDS.indexOf(kind);
  const centre = PLACE_GRID[place];
  return { name: listing.organisation, phase: PHASE_OF_KIND[kind], grid: { easting: centre.easting + 300 * offset, northing: centre.northing + 200 * offset } };
}

/** What a provider of each category typically says it does, for summaries. */
const WORK: Record<string, { subjects: string[]; summaries: string[] }> = {
  'leadership-and-management': { subjects: [], summaries: ['coaches new and acting headteachers through their first two years', 'has led a school out of special measures and supports leaders facing the same', 'helps senior teams build a realistic improvement plan and see it through'] },
  'teaching-and-learning': { subjects: [], summaries: ['runs coaching programmes that make teaching consistently good', 'models lessons and team-teaches alongside staff', 'trains teachers in retrieval practice and adaptive teaching'] },
  'curriculum-and-subject-leadership': { subjects: ['history', 'geography', 'science', 'art-and-design', 'music'], summaries: ['helps subject leaders sequence a curriculum and prepare for deep dives', 'develops middle leaders who can lead their subject across the school'] },
  'assessment-tracking-and-data': { subjects: [], summaries: ['sets up assessment that teachers trust and leaders can act on', 'leads moderation and helps schools make sense of their data'] },
  'english-and-literacy': { subjects: ['english', 'phonics'], summaries: ['trains staff in systematic synthetic phonics and early reading', 'raises writing standards through shared and modelled writing', 'builds a reading culture and a whole-school approach to comprehension'] },
  'mathematics-and-numeracy': { subjects: ['mathematics'], summaries: ['leads teaching for mastery in primary maths', 'supports KS2 maths progress with fluency and reasoning', 'helps secondary maths departments raise GCSE outcomes'] },
  'send-and-inclusion': { subjects: [], summaries: ['supports SENCOs with provision mapping and EHCP reviews', 'advises on inclusive classrooms for pupils with autism', 'reviews SEND provision and plans next steps'] },
  'behaviour-and-attendance': { subjects: [], summaries: ['brings down persistent absence with early help and family work', 'helps schools build calm, consistent behaviour routines'] },
  'early-years': { subjects: ['phonics'], summaries: ['improves EYFS provision and the good level of development', 'supports reception teachers with communication and language'] },
  governance: { subjects: [], summaries: ['reviews governance and trains governors to challenge well', 'supports clerks and chairs through academy conversion'] },
  safeguarding: { subjects: [], summaries: ['audits safeguarding and trains designated safeguarding leads'] },
  'wellbeing-and-pastoral': { subjects: ['pshe'], summaries: ['supports staff wellbeing and workload reviews', 'develops pastoral care and mental health support for pupils'] },
  'post-16': { subjects: ['mathematics', 'science', 'english'], summaries: ['improves sixth-form teaching and A level outcomes'] },
  'business-hr-and-finance': { subjects: [], summaries: ['helps schools recover from a budget deficit and plan staffing', 'provides HR advice on restructures and recruitment'] },
  'partnerships-and-structures': { subjects: [], summaries: ['supports schools exploring federation or joining a trust'] },
};
const CATEGORIES = Object.keys(WORK);
const PHASES = ['eyfs', 'primary', 'secondary', 'special', 'post-16', 'all-through'];
const CONTEXTS = ['rural', 'urban', 'inner-city-multicultural', 'coastal', 'high-eal', 'high-pupil-premium', 'small-school', 'large-school', 'federation', 'multi-academy-trust', 'faith-school', 'causing-concern', 'new-headteacher'];
const OFFERS = ['coaching', 'mentoring', 'review', 'training', 'interim-leadership', 'modelling', 'action-planning', 'school-to-school-visits'];
const TYPES: ProviderType[] = ['nle', 'lle', 'lle', 'sle', 'sle', 'sle', 'ast', 'lead_professional', 'professional_partner', 'traded_service', 'traded_service', 'good_practice_school'];

export type GeneratedListing = {
  name: string;
  providerType: ProviderType;
  organisation: string;
  summary: string;
  experience: string;
  expertise: string[];
  phases: string[];
  subjects: string[];
  contexts: string[];
  offers: string[];
  areas: string[];
  capacity: { days: number; period: 'term' | 'year' };
  fundedByLa: boolean;
  dailyRatePence?: number;
  designation?: { awardedOn: Date; expiresOn: Date };
  status: 'approved';
  publishedAt: Date;
  reviewDueOn: Date;
  revision: number;
};

const DAY = 24 * 60 * 60 * 1000;

/** count approved pen portraits; the same seed always gives the same listings. */
export function generateListings(count: number, seed = 2026, now = new Date()): GeneratedListing[] {
  const random = randomFrom(seed);
  const categoryLabels = new Map(DEFAULT_TAXONOMY.category.map((term) => [term.slug, term.label]));
  const used = new Set<string>();
  return Array.from({ length: count }, (_, i) => {
    const providerType = random.pick(TYPES);
    const expertise = random.some(CATEGORIES, 1, 3);
    const phaseOptions = expertise.includes('early-years') ? ['eyfs', 'primary'] : expertise.includes('post-16') ? ['secondary', 'post-16'] : PHASES;
    const school = `${random.pick(PLACES)} ${random.pick(SCHOOL_KINDS)}`;
    const person = `${random.pick(FIRST)} ${random.pick(LAST)}`;
    const base =
      providerType === 'traded_service'
        ? `Anyshire traded services: ${categoryLabels.get(expertise[0]!)}`
        : providerType === 'good_practice_school'
          ? `${school}: ${categoryLabels.get(expertise[0]!)}`
          : `${person}, ${PROVIDER_TYPE_LABELS[providerType]}`;
    const name = used.has(base) ? `${base} (${i + 1})` : base;
    used.add(name);
    const work = expertise.map((category) => random.pick(WORK[category]!.summaries));
    const awardedOn = new Date(now.getTime() - random.between(60, 900) * DAY);
    const designated = ['nle', 'lle', 'sle', 'ast'].includes(providerType);
    const fundedByLa = providerType === 'traded_service' ? random.next() < 0.5 : random.next() < 0.1;
    return {
      name,
      providerType,
      organisation: providerType === 'traded_service' ? 'Anyshire County Council' : school,
      summary: `${providerType === 'traded_service' ? 'The team' : providerType === 'good_practice_school' ? 'The school' : person.split(' ')[0]} ${work[0]}.`,
      experience: `${work.map((sentence) => sentence.charAt(0).toUpperCase() + sentence.slice(1)).join('. ')}. Works with schools across ${random.pick(DEMO_AREAS)} and has supported ${random.between(3, 40)} schools in the last three years.`,
      expertise,
      phases: random.some(phaseOptions, 1, 2),
      subjects: [...new Set(expertise.flatMap((category) => WORK[category]!.subjects))].slice(0, 3),
      contexts: random.some(CONTEXTS, 1, 3),
      offers: random.some(OFFERS, 1, 3),
      areas: random.some(DEMO_AREAS, 1, 3),
      capacity: { days: random.between(0, 15), period: random.next() < 0.7 ? 'term' : 'year' },
      fundedByLa,
      // Seed 001: "The deployment of both the ASTs and Lead Practioners is through the LA."
      arrangedByLa: providerType === 'ast' || providerType === 'lead_professional',
      ...(fundedByLa ? {} : { dailyRatePence: random.between(30, 65) * 1000 }),
      ...(designated ? { designation: { awardedOn, expiresOn: new Date(awardedOn.getTime() + 3 * 365 * DAY) } } : {}),
      status: 'approved',
      publishedAt: new Date(awardedOn.getTime() + 30 * DAY),
      reviewDueOn: new Date(now.getTime() + random.between(30, 700) * DAY),
      revision: 1,
    };
  });
}
