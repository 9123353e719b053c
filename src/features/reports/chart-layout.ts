/**
 * Geometry for the server-rendered SVG charts: plain numbers the chart partials draw with `<%= %>`, so the
 * SVG is escaped like any other output. Hand-written rather than a charting library: the charts are two
 * simple shapes, every Node charting library we found either needs a DOM (D3, Chart.js) or a browser
 * canvas, and this keeps pages free of client JavaScript and inline styles (strict CSP).
 */
export type Datum = { label: string; value: number };

const niceStep = (max: number, ticks: number) => {
  const raw = Math.max(max, 1) / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= raw)!;
  return Math.max(1, step);
};

/** Axis ticks from 0 to at least max, in round steps. */
export function axisTicks(max: number, ticks = 4): number[] {
  const step = niceStep(max, ticks);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
}

const LABEL_WIDTH = 260;
const BAR_HEIGHT = 24;
const GAP = 10;
const PLOT_WIDTH = 380;
const TOP = 10;

/** A horizontal bar chart: labels on the left, one bar per datum, value at the end of each bar. */
export function barChartLayout(data: readonly Datum[]) {
  const ticks = axisTicks(Math.max(0, ...data.map((datum) => datum.value)));
  const top = ticks[ticks.length - 1]!;
  const scale = (value: number) => (value / top) * PLOT_WIDTH;
  const plotHeight = data.length * (BAR_HEIGHT + GAP);
  return {
    width: LABEL_WIDTH + PLOT_WIDTH + 60,
    height: TOP + plotHeight + 30,
    plotLeft: LABEL_WIDTH,
    plotTop: TOP,
    plotBottom: TOP + plotHeight,
    bars: data.map((datum, index) => {
      const y = TOP + index * (BAR_HEIGHT + GAP);
      return { label: datum.label, value: datum.value, x: LABEL_WIDTH, y, width: scale(datum.value), height: BAR_HEIGHT, textY: y + BAR_HEIGHT / 2 + 5 };
    }),
    ticks: ticks.map((tick) => ({ value: tick, x: LABEL_WIDTH + scale(tick) })),
  };
}

const TREND_LEFT = 50;
const TREND_WIDTH = 600;
const TREND_HEIGHT = 200;

/** A line over time: one point per period, left to right, with the value axis on the left. */
export function trendChartLayout(data: readonly Datum[]) {
  const ticks = axisTicks(Math.max(0, ...data.map((datum) => datum.value)));
  const top = ticks[ticks.length - 1]!;
  const stepX = data.length > 1 ? TREND_WIDTH / (data.length - 1) : 0;
  const y = (value: number) => TOP + TREND_HEIGHT - (value / top) * TREND_HEIGHT;
  const points = data.map((datum, index) => ({ label: datum.label, value: datum.value, x: TREND_LEFT + (data.length > 1 ? index * stepX : TREND_WIDTH / 2), y: y(datum.value) }));
  return {
    width: TREND_LEFT + TREND_WIDTH + 60,
    height: TOP + TREND_HEIGHT + 40,
    plotLeft: TREND_LEFT,
    plotRight: TREND_LEFT + TREND_WIDTH,
    plotBottom: TOP + TREND_HEIGHT,
    points,
    polyline: points.map((point) => `${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' '),
    ticks: ticks.map((tick) => ({ value: tick, y: y(tick) })),
  };
}
