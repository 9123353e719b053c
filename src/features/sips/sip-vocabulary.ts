/** Plain data of the SIPs feature, shared by its models, forms and views. */

/** The longest each written answer may be: the forms show these limits too. */
export const SIP_TEXT_LIMITS = { experience: 2000, licenceReference: 50, feedbackComment: 1000 } as const;

/**
 * The three things a head rates their SIP on, 1 (poor) to 5 (excellent). Seed 004 describes the role as
 * "to provide professional challenge and support to the school, helping its leadership to evaluate
 * performance, identify priorities for improvement, and plan effective change", and adds "Brokering school
 * improvement support".
 */
export const SIP_RATINGS = ['challenge', 'evaluation', 'brokering'] as const;
export type SipRating = (typeof SIP_RATINGS)[number];
export const SIP_RATING_QUESTIONS: Record<SipRating, string> = {
  challenge: 'Professional challenge and support for the school’s leaders',
  evaluation: 'Helping leaders evaluate performance and identify priorities for improvement',
  brokering: 'Finding and brokering the right support',
};
export const SIP_RATING_LABELS: Record<SipRating, string> = {
  challenge: 'Challenge and support',
  evaluation: 'Evaluation and priorities',
  brokering: 'Brokering support',
};
