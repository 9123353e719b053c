/** GIAS "PhaseOfEducation (name)" values, as the directory's phase terms (taxonomy slugs). */
const GIAS_PHASE_TO_DIRECTORY: Record<string, string> = {
  nursery: 'eyfs',
  primary: 'primary',
  'middle deemed primary': 'primary',
  secondary: 'secondary',
  'middle deemed secondary': 'secondary',
  '16 plus': 'post-16',
  'all-through': 'all-through',
  special: 'special',
};

export function directoryPhaseOf(giasPhase: string | undefined): string | undefined {
  return giasPhase ? GIAS_PHASE_TO_DIRECTORY[giasPhase.trim().toLowerCase()] : undefined;
}
