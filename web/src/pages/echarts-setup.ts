/**
 * Apache ECharts, tree-shaken: only the bar and line charts, the grid, tooltip and legend, and the SVG renderer
 * (crisp at any zoom and in a full-page screenshot; a dashboard's few dozen bars need no canvas). Loaded with a
 * dynamic import from charts.tsx, so this module and ECharts sit in a chunk only the dashboard downloads.
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { formatAxisFen, formatFen, type Lang } from '../money';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface ChartSpec {
  categories: string[];
  series: { name: string; values: number[] }[];
  /** Money in fen (axis in 万元/亿元, tooltips as the tiles show it) or a count. */
  unit: 'fen' | 'count';
  /** Bars along the categories (false) or one bar per category row (true: long category names). */
  horizontal: boolean;
  /** `line` for a trend over months. */
  type: 'bar' | 'line';
  lang: Lang;
}

const FONTS = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

/** The palette: the portal's accent, then a muted slate for the comparison series (last year). */
const COLOURS = ['#0b5cad', '#8a94a6', '#1e7b34', '#b3261e'];

export function optionOf(spec: ChartSpec): echarts.EChartsCoreOption {
  const value = (n: number) =>
    spec.unit === 'fen' ? formatFen(n, spec.lang) : n.toLocaleString(spec.lang === 'zh' ? 'zh-CN' : 'en');
  const valueAxis = {
    type: 'value',
    minInterval: spec.unit === 'count' ? 1 : undefined,
    axisLabel: { formatter: (n: number) => (spec.unit === 'fen' ? formatAxisFen(n, spec.lang) : String(n)) },
  };
  const categoryAxis = {
    type: 'category',
    data: spec.categories,
    inverse: spec.horizontal, // the first category on top, as in the data table
    axisLabel: { interval: 0, hideOverlap: !spec.horizontal },
  };
  return {
    color: COLOURS,
    animation: false,
    // The page's own fonts, named: ECharts measures labels on a canvas, where 'inherit' is no font, and would then
    // misjudge the width of Chinese labels and cut them off.
    textStyle: { fontFamily: FONTS },
    grid: { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 12, bottom: 8, containLabel: true },
    legend: spec.series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', valueFormatter: (n: unknown) => value(Number(n)) },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? categoryAxis : valueAxis,
    series: spec.series.map((s) => ({
      name: s.name,
      type: spec.type,
      data: s.values,
      barMaxWidth: 28,
      symbolSize: 6,
    })),
  };
}

/** Draws `spec` into `el`; returns what updates it (same element) and what frees it. */
export function mount(el: HTMLElement, spec: ChartSpec) {
  const chart = echarts.init(el, undefined, { renderer: 'svg' });
  chart.setOption(optionOf(spec));
  const resize = () => chart.resize();
  addEventListener('resize', resize);
  return {
    update: (next: ChartSpec) => chart.setOption(optionOf(next), { notMerge: true }),
    dispose: () => {
      removeEventListener('resize', resize);
      chart.dispose();
    },
  };
}
