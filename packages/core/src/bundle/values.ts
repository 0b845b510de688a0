import { z } from "zod";

/**
 * A metric or param value as recorded: numbers (NaN and ±Infinity included), strings, booleans or null.
 * JSON cannot hold non-finite numbers, so bundle files spell them `{"$float": "NaN" | "Infinity" | "-Infinity"}`.
 */
export const RecordedValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
export type RecordedValue = z.infer<typeof RecordedValue>;

export function encodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
  }
  return value;
}

export function decodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const spelled = (value as { $float?: unknown }).$float;
    if (keys.length === 1 && keys[0] === "$float") {
      if (spelled === "NaN") return NaN;
      if (spelled === "Infinity") return Infinity;
      if (spelled === "-Infinity") return -Infinity;
    }
  }
  return value;
}
