import { percentile } from './bench-stats.js';
/** Nearest-rank percentile of already sorted values (`p` in 0–100). */

export interface Distribution {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Percentiles and mean, in the values' unit, rounded to hundredths. */
export function distributionOf(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(mean),
  };
}

/** A plain text table: the first row is the header; columns after the first are right-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  const format = (row: readonly string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  const [header, ...body] = rows;
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [format(header ?? []), rule, ...body.map(format)].join('\n');
}

export function distributionRow(label: string, values: Distribution): string[] {
  return [
    label,
    ...[values.p50, values.p90, values.p99, values.max, values.mean].map((value) => round(value).toFixed(2)),
  ];
}
