/**
 * A metric as read from a file: kept even when it is not a finite number, so a report can show it.
 * Finite numbers stay plain numbers; NaN and ±Infinity carry a marker because JSON cannot hold them.
 */
export type NonFiniteValue = { readonly nonFinite: "NaN" | "Infinity" | "-Infinity" };
export type MetricValue = number | string | boolean | null | NonFiniteValue;
export type MetricMap = Record<string, MetricValue>;

export function isNonFinite(value: MetricValue | undefined): value is NonFiniteValue {
  return typeof value === "object" && value !== null && "nonFinite" in value;
}

/** A plain JS number becomes a MetricValue: NaN and ±Infinity get their marker. */
export function metricValueOfNumber(value: number): MetricValue {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return { nonFinite: "NaN" };
  return { nonFinite: value > 0 ? "Infinity" : "-Infinity" };
}

/** The number a value stands for (NaN and ±Infinity included), or undefined for strings, booleans and null. */
export function numberOf(value: MetricValue | undefined): number | undefined {
  if (typeof value === "number") return value;
  if (isNonFinite(value)) return Number(value.nonFinite);
  return undefined;
}

/** Text for tables and messages: `NaN`, `Infinity`, `true`, `null`, or the value itself. */
export function formatMetricValue(value: MetricValue | undefined): string {
  if (value === undefined) return "-";
  if (isNonFinite(value)) return value.nonFinite;
  return String(value);
}

export function sameMetricValue(a: MetricValue | undefined, b: MetricValue | undefined): boolean {
  if (isNonFinite(a) || isNonFinite(b)) return isNonFinite(a) && isNonFinite(b) && a.nonFinite === b.nonFinite;
  return a === b;
}
