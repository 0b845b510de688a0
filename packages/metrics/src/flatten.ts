import { metricValueOfNumber, type MetricMap, type MetricValue } from "./metric-value.js";

/**
 * Flattens parsed metrics the way DVC names them: nested keys joined with dots (`a.b.c`),
 * array items by index (`a.0`). Every leaf is kept, including strings, booleans, null, NaN and ±Infinity;
 * empty objects and arrays hold no leaf and leave no key.
 */
export function flattenMetrics(value: unknown, prefix = ""): MetricMap {
  const out: MetricMap = {};
  visit(value, prefix, out);
  return out;
}

function visit(value: unknown, key: string, out: MetricMap): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => visit(item, join(key, String(index)), out));
  } else if (value !== null && typeof value === "object") {
    for (const [name, item] of Object.entries(value)) visit(item, join(key, name), out);
  } else {
    out[key] = leafValue(value);
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

function leafValue(value: unknown): MetricValue {
  if (typeof value === "number") return metricValueOfNumber(value);
  if (typeof value === "string" || typeof value === "boolean" || value === null) return value;
  return String(value);
}
