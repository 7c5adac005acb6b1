import type { EChartsCoreOption } from 'echarts/core';
import { fillDays } from '../format';

// ECharts 6 puts legends at the bottom by default; here they sit on top, clear of the axis labels.

/** The treatment funnel as horizontal bars, widest stage on top. */
export function funnelOption(stages: { label: string; value: number }[]): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText' },
    grid: { left: 90, right: 40, top: 16, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', inverse: true, data: stages.map((s) => s.label) },
    series: [{ type: 'bar', data: stages.map((s) => s.value), label: { show: true, position: 'right' } }],
  };
}

/** Conversions and contacts per bank day, every day of the run on the axis (quiet days as zero). */
export function dailyOption(
  daily: { date: string; contacted: number; converted: number }[],
  names: { contacted: string; converted: string },
  from?: string,
  to?: string,
): EChartsCoreOption {
  const days = fillDays(daily, { contacted: 0, converted: 0 }, from, to);
  return {
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 4, data: [names.contacted, names.converted] },
    grid: { left: 48, right: 24, top: 40, bottom: 32 },
    xAxis: { type: 'category', data: days.map((d) => d.date) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { name: names.contacted, type: 'bar', data: days.map((d) => d.contacted) },
      { name: names.converted, type: 'line', data: days.map((d) => d.converted) },
    ],
  };
}

/** One bar per row (e.g. per unit or per month), several series side by side. */
export function barsOption(categories: string[], series: { name: string; data: number[] }[]): EChartsCoreOption {
  return {
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 4, data: series.map((s) => s.name) },
    grid: { left: 56, right: 24, top: 40, bottom: categories.length > 8 ? 80 : 32 },
    xAxis: { type: 'category', data: categories, axisLabel: { rotate: categories.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value' },
    series: series.map((s) => ({ ...s, type: 'bar' })),
  };
}

/** The option with its tooltip (if any) drawn on the canvas, never as HTML. */
export function canvasTooltip(option: EChartsCoreOption): EChartsCoreOption {
  const tooltip = option.tooltip as Record<string, unknown> | Record<string, unknown>[] | undefined;
  if (!tooltip) return option;
  const rich = (t: Record<string, unknown>) => ({ ...t, renderMode: 'richText' });
  return { ...option, tooltip: Array.isArray(tooltip) ? tooltip.map(rich) : rich(tooltip) };
}
