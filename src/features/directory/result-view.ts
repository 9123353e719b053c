import { formatDate, formatPounds } from '../../lib/format';
import { paths } from '../../paths';
import { DESIGNATED_TYPES, PROVIDER_TYPE_LABELS, type ProviderType } from '../listings/listing-vocabulary';
import type { TaxonomySnapshot } from '../taxonomy/taxonomy-snapshot';
import type { TermKind } from '../taxonomy/term-kinds';
import type { DirectoryDocument } from './directory-document';
import { FILTER_NAMES, FILTERS, type DirectoryFilters } from './directory-filters';
import type { TextHit } from './directory-index';
import type { DistanceView } from './provider-distance';
import { normaliseWord, words } from '../../lib/search-text';

/** One provider as a result, shortlist entry, printed entry or CSV row shows it. */
export type ResultView = {
  id: string;
  name: string;
  href: string;
  typeLabel: string;
  organisation: string;
  summary: string;
  designation: string | null;
  expertise: string[];
  phases: string[];
  subjects: string[];
  offers: string[];
  areas: string[];
  capacity: string;
  cost: string;
  /** The same as numbers, for CSV columns a spreadsheet can add up (null where the listing says none). */
  figures: { days: number | null; daysPer: 'term' | 'year' | null; dailyRatePounds: number | null; fundedByLa: boolean };
  impact: string | null;
  /** Why it is here: what it matched, in words a user understands. */
  reasons: string[];
  /** How far it is from the school the search measures from, when it measures from one. */
  distance: DistanceView | null;
};

const labels = (taxonomy: TaxonomySnapshot, kind: TermKind, slugs: readonly string[]) =>
  taxonomy.resolveSlugs(kind, slugs).map((slug) => taxonomy.label(kind, slug));

export function capacityText(document: DirectoryDocument): string {
  if (!document.capacity) return 'Not stated';
  if (document.capacity.days === 0) return 'No days available';
  const days = `${document.capacity.days} day${document.capacity.days === 1 ? '' : 's'}`;
  return `${days} available this ${document.capacity.period}`;
}

export function costText(document: DirectoryDocument): string {
  if (document.fundedByLa) return 'Funded by the LA';
  if (document.dailyRatePence !== null) return `${formatPounds(document.dailyRatePence)} a day`;
  return 'Rate on request';
}

function designationText(document: DirectoryDocument): string | null {
  if (!DESIGNATED_TYPES.includes(document.providerType)) return null;
  const { awardedOn, expiresOn } = document.designation;
  const parts = [PROVIDER_TYPE_LABELS[document.providerType]];
  if (awardedOn) parts.push(`awarded ${formatDate(awardedOn)}`);
  if (expiresOn) parts.push(`until ${formatDate(expiresOn)}`);
  return parts.join(', ');
}

export function toResultView(document: DirectoryDocument, taxonomy: TaxonomySnapshot, reasons: string[] = [], distance: DistanceView | null = null): ResultView {
  return {
    id: document.id,
    name: document.name,
    href: paths.listings.listing(document.id),
    typeLabel: PROVIDER_TYPE_LABELS[document.providerType],
    organisation: document.organisation,
    summary: document.summary,
    designation: designationText(document),
    expertise: labels(taxonomy, 'category', document.expertise),
    phases: labels(taxonomy, 'phase', document.phases),
    subjects: labels(taxonomy, 'subject', document.subjects),
    offers: labels(taxonomy, 'offer', document.offers),
    areas: document.areas,
    capacity: capacityText(document),
    cost: costText(document),
    figures: {
      days: document.capacity?.days ?? null,
      daysPer: document.capacity?.period ?? null,
      dailyRatePounds: !document.fundedByLa && document.dailyRatePence !== null ? document.dailyRatePence / 100 : null,
      fundedByLa: document.fundedByLa,
    },
    impact: document.impact ? `${document.impact.score.toFixed(1)} out of 5 (${document.impact.responses} schools)` : null,
    reasons,
    distance,
  };
}

const FIELD_NAMES: Record<string, string> = {
  name: 'name',
  organisation: 'organisation',
  summary: 'summary',
  experience: 'experience',
  topics: 'expertise',
};

const CONCEPT_NAMES: Record<string, string> = {
  category: 'Expertise',
  phase: 'Phase',
  subject: 'Subject',
  context: 'Context',
  offer: 'Offers',
  type: 'Type',
};

/** The fields a result card shows: a word found only elsewhere is said to be in the pen portrait. */
const ON_THE_CARD = new Set(['name', 'organisation', 'summary']);

/**
 * "Expertise: Mathematics and numeracy", "“phonics” in summary", "“years” in the pen portrait": what the text
 * search matched, naming a field only when the card shows it.
 */
export function matchReasons(document: DirectoryDocument, hit: TextHit | undefined, taxonomy: TaxonomySnapshot): string[] {
  if (!hit) return [];
  const reasons: string[] = [];
  const inPenPortrait: string[] = [];
  let originals: Map<string, string> | undefined;
  for (const [term, fields] of Object.entries(hit.match)) {
    const concept = /^(category|phase|subject|context|offer|type):(.+)$/.exec(term);
    if (concept && fields.includes('terms')) {
      const [, kind, slug] = concept;
      const label = kind === 'type' ? (PROVIDER_TYPE_LABELS as Record<string, string>)[slug!] ?? slug : taxonomy.label(kind as TermKind, slug!);
      reasons.push(`${CONCEPT_NAMES[kind!]}: ${label}`);
      continue;
    }
    const where = [...new Set(fields.map((field) => FIELD_NAMES[field]).filter(Boolean))];
    if (where.length === 0) continue;
    originals ??= originalWords(document, taxonomy);
    const word = `“${originals.get(term) ?? term}”`;
    const shown = where.filter((field) => ON_THE_CARD.has(field!));
    if (shown.length > 0) reasons.push(`${word} in ${shown.join(' and ')}`);
    else inPenPortrait.push(word);
  }
  if (inPenPortrait.length > 0) reasons.push(`${[...new Set(inPenPortrait)].join(', ')} in the pen portrait`);
  return [...new Set(reasons)];
}

/** The word as the listing writes it, for a normalised index term ("phonic" → "phonics"). */
function originalWords(document: DirectoryDocument, taxonomy: TaxonomySnapshot): Map<string, string> {
  const text = [document.name, document.organisation, document.summary, ...labels(taxonomy, 'category', document.expertise), document.experience].join(' ');
  const originals = new Map<string, string>();
  for (const word of words(text)) {
    const normalised = normaliseWord(word);
    if (!originals.has(normalised)) originals.set(normalised, word);
  }
  return originals;
}

/** The filters a result satisfies, as the user chose them ("Phase: Primary", "Has days available"). */
export function filterReasons(document: DirectoryDocument, filters: DirectoryFilters, taxonomy: TaxonomySnapshot): string[] {
  const reasons: string[] = [];
  for (const name of FILTER_NAMES) {
    const filter = FILTERS[name];
    const chosen = filters[name];
    if (filter.kind === 'yes') {
      if (chosen) reasons.push(filter.option);
      continue;
    }
    const matched = filter.valuesOf(document).filter((value) => (chosen as readonly string[]).includes(value));
    if (matched.length === 0) continue;
    const label = (value: string) =>
      filter.choices === 'providerTypes'
        ? PROVIDER_TYPE_LABELS[value as ProviderType]
        : filter.choices === 'terms'
          ? taxonomy.label(name as TermKind, value)
          : value;
    reasons.push(`${filter.reason}: ${matched.map(label).join(', ')}`);
  }
  return reasons;
}
