import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

// zxcvbn's lists of the most common passwords, names and keyboard patterns, as the NCSC advises.
const estimator = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });

/**
 * True when a password is one of the most commonly used ones, or a small variation of one
 * ("Password123!", "qwertyuiop12"). Length, not complexity, is what the length rule asks for; this
 * only refuses what attackers try first. Long passphrases of ordinary words pass.
 */
export function isCommonPassword(password: string): boolean {
  return estimator.check(password).score < 3;
}
