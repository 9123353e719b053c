import { resolveTerms } from '../taxonomy/taxonomy.service';
import type { PlanPriority } from './support-plan.model';
import { priorityTitle } from './plan-rules';

/** A need's name now (a merged need resolves to the one it became), or undefined. */
export async function needLabel(slug: string | null | undefined): Promise<string | undefined> {
  return slug ? (await resolveTerms('need', [slug]))[0]?.label : undefined;
}

/** A priority's title (its own words, else its need's name) and its need's name. */
export async function titledPriority(priority: Pick<PlanPriority, 'need' | 'words'>) {
  const label = await needLabel(priority.need);
  return { needLabel: label, title: priorityTitle(priority, label) };
}
