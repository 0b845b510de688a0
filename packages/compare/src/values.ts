import type { RecordedValue } from "@ctrain/core";
import { metricValueOfNumber, numberOf, type MetricMap, type MetricValue } from "@ctrain/metrics";

/** Bundle documents hold NaN as a number; the metrics library marks it; these convert at the seam. */
export function toMetricValue(value: RecordedValue): MetricValue;
export function toMetricValue(value: RecordedValue | undefined): MetricValue | undefined;
export function toMetricValue(value: RecordedValue | undefined): MetricValue | undefined {
  return typeof value === "number" ? metricValueOfNumber(value) : value;
}

export function toMetricMap(values: Readonly<Record<string, RecordedValue>> | undefined): MetricMap {
  const map: MetricMap = {};
  for (const [key, value] of Object.entries(values ?? {})) map[key] = toMetricValue(value);
  return map;
}

export function toRecordedValue(value: MetricValue | undefined): RecordedValue | undefined {
  if (value === undefined) return undefined;
  return numberOf(value) ?? (value as RecordedValue);
}
