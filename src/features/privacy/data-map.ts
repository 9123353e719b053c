import type { RetentionPeriods } from '../../config';

/**
 * The personal-data map: each kind of personal data the service holds, whose it is, why, for how long
 * and who sees it. One source for two things: the sections of a person's download (personalDataOf must
 * fill exactly these keys, checked by the compiler) and the privacy notice (/privacy) that lists them.
 */
export type DataKind = {
  heading: string;
  whose: string;
  what: string;
  why: string;
  kept: (retention: RetentionPeriods) => string;
  seenBy: string;
};

const UNTIL_ERASED = 'While the account exists. When someone leaves, Traded Services erase their personal data and the record keeps only a placeholder name';

export const PERSONAL_DATA_MAP = {
  account: {
    heading: 'Your account',
    whose: 'Everyone with an account',
    what: 'Name, work email address, role, the schools you work for (for school staff), when you were invited and last signed in. Never your password: only a one-way hash of it.',
    why: 'To let you sign in and to show others who did what.',
    kept: () => UNTIL_ERASED,
    seenBy: 'You and Traded Services; your name is shown beside what you do.',
  },
  accountEvents: {
    heading: 'Security events about your account',
    whose: 'Everyone with an account',
    what: 'Sign-ins and failed sign-ins, lockouts, password changes and resets, invitations, with the network address and a short browser name.',
    why: 'To protect accounts and investigate misuse.',
    kept: () => 'For good in the audit trail (the latest also on the Security events page); the network address and browser are removed once an account’s personal data is erased and the purge runs',
    seenBy: 'Traded Services; you, in your download.',
  },
  yourActions: {
    heading: 'What you did in the service',
    whose: 'Everyone with an account',
    what: 'The audit trail: what you changed, when, and the reasons you gave.',
    why: 'Every decision about a provider, a school or a commission must be traceable.',
    kept: () => 'For good: it is the record of decisions. After erasure it names you only by a placeholder',
    seenBy: 'Traded Services, and the people who share the record (for example a listing’s owner sees its history).',
  },
  listings: {
    heading: 'Pen portraits (listings)',
    whose: 'Providers',
    what: 'Your name, photo, employing school or organisation, experience, expertise, designation and its dates, rates, capacity, contact details and evidence documents.',
    why: 'So schools can judge and contact quality-assured support.',
    kept: () => 'While the listing exists. On erasure your photo and your name and contact details on the listing are deleted',
    seenBy: 'Everyone signed in, once approved; contact details you choose are also published as open data.',
  },
  providerChecks: {
    heading: 'Provider checks',
    whose: 'Providers',
    what: 'The checks Traded Services need of your listing: the date of your enhanced DBS certificate (or of its latest update-service status check) and whether it is on the update service, the date of your safeguarding training, the last day of your insurance cover, the dates of a data-processing agreement, and a PDF of the evidence for each; who sent and who verified each, and why one was returned.',
    why: 'So Traded Services can be sure every provider in the directory is safe and covered to work with schools.',
    kept: () => 'The verified check of each kind, and a renewal waiting, while the listing exists. The older evidence document is deleted as soon as a renewal is verified or returned; on erasure, the checks of a listing named after you are deleted',
    seenBy: 'The listing’s owners and Traded Services. Schools and School Improvement Partners see only “Checks up to date”, never a date, a document or which check is missing.',
  },
  recommendations: {
    heading: 'Recommendations',
    whose: 'School staff and providers',
    what: 'Which school recommended which provider, the work seen and the statement; who asked and who answered.',
    why: 'The two-school rule: every provider in the directory is recommended by two schools.',
    kept: () => 'While the listing exists',
    seenBy: 'The provider and Traded Services (the provider is never told which school declined).',
  },
  commissions: {
    heading: 'Commissions (support arranged)',
    whose: 'School staff, SIPs and providers',
    what: 'Who asked for or brokered support, the need, objectives and success criteria, days, dates, cost and status, with reasons.',
    why: 'To arrange support, count days against capacity and entitlement, and report on what the LA funded.',
    kept: (retention) => `The free text (need, objectives, success criteria, reasons, notes) is removed ${retention.closedCommissionMonths} months after the commission closed; dates, days and cost stay for the reports`,
    seenBy: 'The school, its SIP, the provider and Traded Services.',
  },
  feedback: {
    heading: 'Impact feedback',
    whose: 'School staff',
    what: 'Ratings, what changed and any evidence document.',
    why: 'To know whether support worked; shown to others only aggregated, once enough schools have answered.',
    kept: (retention) => `“What changed” and the evidence document are removed ${retention.closedCommissionMonths} months after the commission closed; the ratings stay, without them`,
    seenBy: 'The provider and Traded Services; everyone else sees only averages.',
  },
  nominations: {
    heading: 'Good-practice nominations',
    whose: 'SIPs and Traded Services who nominate a school, and the school staff named to lead its support',
    what: 'Which school was identified as good practice, in which areas and by whom, with a note; the name and work email address of the person named to lead the support.',
    why: 'To invite the school to publish a good-practice listing.',
    kept: () => 'While the school’s record exists. Erasing the person named removes their name and email address from it',
    seenBy: 'The school, its SIP and Traded Services.',
  },
  sipProfile: {
    heading: 'Your SIP profile',
    whose: 'School Improvement Partners',
    what: 'Your experience, phases and specialisms; your capacity in days a year; your licence to practise: its reference, renewal date and who recorded it.',
    why: 'To match SIPs to schools, and because a SIP whose licence has lapsed is not given new schools.',
    kept: () => `${UNTIL_ERASED}; the profile is deleted on erasure`,
    seenBy: 'You and Traded Services.',
  },
  sipFeedback: {
    heading: 'Termly feedback on a SIP',
    whose: 'School staff (who give it) and School Improvement Partners (whom it is about)',
    what: 'Three ratings and an optional comment, the term, the school and the SIP.',
    why: 'The LA quality-assures and performance-manages SIPs, asking heads what they think of their SIP.',
    kept: () => 'Until the SIP’s personal data is erased: then the comments about them are deleted, and the ratings stay',
    seenBy: 'Traded Services. The school sees its own; a SIP sees what was said about them in their download, without the schools’ names.',
  },
  notifications: {
    heading: 'Notifications',
    whose: 'Everyone with an account',
    what: 'The notices the service sent you in the service.',
    why: 'To tell you when something waits for you.',
    kept: (retention) => `${retention.notificationMonths} months, or until your personal data is erased`,
    seenBy: 'You.',
  },
  shortlists: {
    heading: 'Shortlists',
    whose: 'SIPs, school staff and Traded Services',
    what: 'Shortlists of providers for a school, with your notes.',
    why: 'To prepare and print a list for a school visit.',
    kept: () => 'Until you delete them',
    seenBy: 'You and the school’s users.',
  },
  emails: {
    heading: 'Emails',
    whose: 'Everyone with an account',
    what: 'Copies of the emails sent to you (kept in the service only when no mail server is set up).',
    why: 'So Traded Services can pass on a link before email is set up.',
    kept: (retention) => `${retention.notificationMonths} months, or until your personal data is erased`,
    seenBy: 'Traded Services (the Outbox page); you, in your download.',
  },
} as const satisfies Record<string, DataKind>;

export type PersonalDataSection = keyof typeof PERSONAL_DATA_MAP;

/** The map as the privacy notice shows it, with the periods this LA has set. */
export function privacyNoticeRows(retention: RetentionPeriods) {
  return Object.values(PERSONAL_DATA_MAP).map((kind: DataKind) => ({ ...kind, kept: kind.kept(retention) }));
}
