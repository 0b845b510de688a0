import { BUNDLE_DOCUMENT_MAX_BYTES } from "@ctrain/core";
import { decodeFloat64, encodeFloat64 } from "./codec.js";
import { Random } from "@ctrain/stats";
import { Reservoir } from "./reservoir.js";
import type { ColumnProfile, DatasetProfile } from "./schema.js";

/** What the reservoir samples of one profile document may take, in base64 bytes: three quarters of its limit. */
export const PROFILE_SAMPLE_BUDGET_BYTES = Math.floor(BUNDLE_DOCUMENT_MAX_BYTES * 0.75);

/**
 * The profile with its columns' reservoir samples shrunk, when together they would not fit `budgetBytes`: small samples
 * are kept whole and the rest get equal shares of what is left (water-filling). A uniform subsample of a uniform
 * sample is a uniform sample, so KS and Wasserstein stay valid, on fewer values; the reservoir's capacity becomes its
 * share, which merges respect. Without this, a dataset with more than about 60 numeric columns at the default sample
 * size writes a profile document the next run cannot read as its baseline.
 */
export function fitSamples(profile: DatasetProfile, budgetBytes = PROFILE_SAMPLE_BUDGET_BYTES): DatasetProfile {
  const entries = Object.entries(profile.columns);
  const sizes = entries.map(([, column]) => sampleSize(column));
  let remaining = Math.floor((budgetBytes * 3) / 32); // 8 bytes a value, 4 base64 characters per 3 bytes
  if (sizes.reduce((sum, size) => sum + size, 0) <= remaining) return profile;
  const order = sizes.map((size, index) => ({ size, index })).sort((a, b) => a.size - b.size);
  const shares = new Array<number>(entries.length);
  order.forEach(({ size, index }, position) => {
    const share = Math.max(1, Math.floor(remaining / (order.length - position)));
    shares[index] = Math.min(size, share);
    remaining -= shares[index];
  });
  const columns: Record<string, ColumnProfile> = {};
  entries.forEach(([name, column], index) => {
    columns[name] = sizes[index]! > shares[index]! ? shrinkSample(column, shares[index]!) : column;
  });
  return { ...profile, columns };
}

function sampleSize(column: ColumnProfile): number {
  // Base64 of whole float64s: every 4 characters hold 3 bytes, minus the padding.
  const text = column.sketch.reservoir.values;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  return ((text.length / 4) * 3 - padding) / 8;
}

/** `size` values drawn uniformly from the column's sample by a copy of its generator (the saved state stays). */
function shrinkSample(column: ColumnProfile, size: number): ColumnProfile {
  const saved = column.sketch.reservoir;
  const sample = new Reservoir(saved.capacity, Random.fromState(column.sketch.random), decodeFloat64(saved.values)!);
  const reservoir = { ...saved, capacity: size, values: encodeFloat64(sample.subsample(size)) };
  return { ...column, sketch: { ...column.sketch, reservoir } };
}
