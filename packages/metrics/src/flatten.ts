import { NESTING_DEPTH_MAX, UserError, checkKeySegments } from "@ctrain/core";
import { metricValueOfNumber, type MetricMap, type MetricValue } from "./metric-value.js";

/**
 * Flattens parsed metrics the way DVC names them: nested keys joined with dots (`a.b.c`),
 * array items by index (`a.0`). Every leaf is kept, including strings, booleans, null, NaN and ±Infinity;
 * empty objects and arrays hold no leaf and leave no key. Without recursion, so depth costs no stack; a reserved
 * name (`__proto__`, ...) or nesting deeper than NESTING_DEPTH_MAX is a UserError at `source`.
 */
export function flattenMetrics(value: unknown, prefix = "", source = "metrics"): MetricMap {
  const out: MetricMap = {};
  const pending: { value: unknown; key: string; depth: number }[] = [{ value, key: prefix, depth: 0 }];
  while (pending.length > 0) {
    const { value: node, key, depth } = pending.pop()!;
    if (node === null || typeof node !== "object") {
      checkKeySegments(key, source);
      out[key] = leafValue(node);
      continue;
    }
    if (depth >= NESTING_DEPTH_MAX) {
      throw new UserError(`${key || "the value"} is nested more than ${NESTING_DEPTH_MAX} levels deep`, {
        location: source,
        hint: `flatten the structure to at most ${NESTING_DEPTH_MAX} levels`,
      });
    }
    const entries = Array.isArray(node)
      ? node.map((item, index) => [String(index), item] as const)
      : Object.entries(node);
    // Reversed onto the stack, so leaves come out in file order.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [name, item] = entries[index]!;
      pending.push({ value: item, key: join(key, name), depth: depth + 1 });
    }
  }
  return out;
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

function leafValue(value: unknown): MetricValue {
  if (typeof value === "number") return metricValueOfNumber(value);
  if (typeof value === "string" || typeof value === "boolean" || value === null) return value;
  return String(value);
}
