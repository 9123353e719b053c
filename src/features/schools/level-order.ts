/**
 * Which way a school moved between two support levels. A scheme's order is its levels' order (Traded
 * Services reorder them), and the first level is the one needing least support, as in both presets:
 * South Gloucestershire 1 Secure, 2 Vulnerable, 3 Causing concern; Derby 1 Outstanding to 4 Inadequate.
 * So "up" is towards the start of the scheme. A level no longer in the scheme has no place: 'unknown'.
 */
export type LevelMove = 'up' | 'down' | 'same' | 'unknown';

export function levelMove(order: readonly string[], from: string, to: string): LevelMove {
  if (from === to) return 'same';
  const before = order.indexOf(from);
  const after = order.indexOf(to);
  if (before < 0 || after < 0) return 'unknown';
  return after < before ? 'up' : 'down';
}

export const LEVEL_MOVE_LABELS: Record<LevelMove, string> = {
  up: 'Moved up (less support needed)',
  down: 'Moved down (more support needed)',
  same: 'No change',
  unknown: 'Not comparable (a level no longer in the scheme)',
};
