/** How a commission came about and who pays: plain data any layer above may use. */

export const ROUTES = ['direct', 'brokered'] as const;
export type CommissionRoute = (typeof ROUTES)[number];
export const ROUTE_LABELS: Record<CommissionRoute, string> = { direct: 'Direct', brokered: 'Brokered' };

export const FUNDING_SOURCES = ['school', 'la'] as const;
export type FundingSource = (typeof FUNDING_SOURCES)[number];
export const FUNDING_LABELS: Record<FundingSource, string> = { school: 'School-funded', la: 'LA-funded' };
