import { z } from "zod";

/**
 * JSON cannot hold NaN or ±Infinity, and metrics can be either; bundle files spell them
 * `{"$float": "NaN" | "Infinity" | "-Infinity"}` and reading turns them back into numbers.
 */
const NonFiniteNumber = z
  .strictObject({ $float: z.enum(["NaN", "Infinity", "-Infinity"]) })
  .transform(({ $float }) => Number($float));

/** A metric or param value as recorded: numbers (NaN and ±Infinity included), strings, booleans or null. */
export const RecordedValue = z.union([z.number(), z.string(), z.boolean(), z.null(), NonFiniteNumber]);
export type RecordedValue = z.output<typeof RecordedValue>;

/** `JSON.stringify` replacer that writes non-finite numbers in the `$float` spelling. */
export function encodeNonFinite(_key: string, value: unknown): unknown {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return { $float: Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity" };
  }
  return value;
}
