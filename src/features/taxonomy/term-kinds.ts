/** The taxonomy's lists, and the change mark pages and the search index watch: plain data any layer above may use. */
export const TAXONOMY_CHANGE_MARK = 'taxonomy';

export const TERM_KINDS = ['category', 'need', 'phase', 'subject', 'context', 'offer'] as const;
export type TermKind = (typeof TERM_KINDS)[number];
