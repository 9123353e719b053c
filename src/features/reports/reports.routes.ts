import { Router, type Request } from 'express';
import { z } from 'zod';
import { toCsv } from '../../lib/csv';
import { NotFoundError } from '../../lib/errors';
import { paths } from '../../paths';
import { requireRole } from '../../web/authentication';
import { barChartLayout, trendChartLayout } from './chart-layout';
import type { DirectoryService } from '../directory/directory.service';
import { commissionReport, type ReportFilters } from './reports.service';

const filtersSchema = z.object({
  term: z.string().regex(/^\d{4}-\d{2}-[123]$/).optional().catch(undefined),
  level: z.string().trim().min(1).max(100).optional().catch(undefined),
});

const filtersFrom = (req: Request): ReportFilters => filtersSchema.parse({ term: req.query.term || undefined, level: req.query.level || undefined });

const queryString = (filters: ReportFilters) => {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value) as [string, string][]).toString();
  return query ? `?${query}` : '';
};

/** Reports for Traded Services (everything) and SIPs (their caseload), with a CSV of every table. */
export function reportsRoutes(directory: DirectoryService): Router {
  const router = Router();

  router.get(paths.reports.commissions, requireRole('traded_services', 'sip'), async (req, res) => {
    const filters = filtersFrom(req);
    const report = await commissionReport(req.user!, filters, directory);
    res.render('reports/index', {
      pageTitle: 'Reports',
      report,
      selected: filters,
      csvQuery: queryString(filters),
      categoryChart: barChartLayout(report.charts.categories),
      trendChart: trendChartLayout(report.charts.trend),
    });
  });

  router.get(paths.reports.csv(':table'), requireRole('traded_services', 'sip'), async (req: Request<{ table: string }>, res) => {
    const report = await commissionReport(req.user!, filtersFrom(req), directory);
    const table = report.tables.find((candidate) => candidate.slug === req.params.table);
    if (!table) throw new NotFoundError();
    res.attachment(`${table.slug}.csv`).type('text/csv; charset=utf-8').send(toCsv(table.csv?.header ?? table.header, table.csv?.rows ?? table.rows));
  });

  return router;
}
