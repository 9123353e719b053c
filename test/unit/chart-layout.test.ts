import { axisTicks, barChartLayout, trendChartLayout } from '../../src/features/reports/chart-layout';

describe('chart geometry', () => {
  it('picks round axis ticks from zero past the largest value', () => {
    expect(axisTicks(0)).toEqual([0, 1]);
    expect(axisTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(axisTicks(100)).toEqual([0, 50, 100]);
    expect(axisTicks(1234)).toEqual([0, 500, 1000, 1500]);
  });

  it('draws bars in proportion, the largest reaching the top tick’s length', () => {
    const layout = barChartLayout([{ label: 'Maths', value: 8 }, { label: 'English', value: 2 }, { label: 'None', value: 0 }]);
    const [maths, english, none] = layout.bars;
    expect(maths!.width).toBeCloseTo(layout.ticks.at(-1)!.x - layout.plotLeft);
    expect(english!.width).toBeCloseTo(maths!.width / 4);
    expect(none!.width).toBe(0);
    expect(english!.y).toBeGreaterThan(maths!.y);
    expect(layout.height).toBeGreaterThan(none!.y + none!.height);
  });

  it('puts trend points left to right, higher values higher up', () => {
    const layout = trendChartLayout([{ label: 'Autumn 2025', value: 2 }, { label: 'Spring 2026', value: 6 }, { label: 'Summer 2026', value: 0 }]);
    const [a, b, c] = layout.points;
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
    expect(b!.y).toBeLessThan(a!.y);
    expect(c!.y).toBe(layout.plotBottom);
    expect(layout.polyline.split(' ')).toHaveLength(3);
    expect(trendChartLayout([{ label: 'Only', value: 3 }]).points[0]!.x).toBeGreaterThan(layout.plotLeft);
  });
});
