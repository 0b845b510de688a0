import { describe, expect, it } from "vitest";
import { decodeFloat64 } from "../../../packages/data/src/profile/codec.js";
import {
  ColumnProfiler,
  DatasetProfiler,
  fitSamples,
  type DatasetProfile,
} from "../../../packages/data/src/profile/index.js";

/** Base64 bytes a number of float64 values takes. */
const bytesFor = (values: number) => Math.ceil((values * 32) / 3);

function sampleOf(profile: DatasetProfile, column: string): Float64Array {
  return decodeFloat64(profile.columns[column]!.sketch.reservoir.values)!;
}

function profileOf(columns: Record<string, readonly (number | string)[]>): DatasetProfile {
  const profiler = new DatasetProfiler({ sampleSize: 5000 });
  const rows = Math.max(...Object.values(columns).map((values) => values.length));
  for (let row = 0; row < rows; row++) {
    const record: Record<string, number | string | null> = {};
    for (const [name, values] of Object.entries(columns)) record[name] = values[row] ?? null;
    profiler.addRow(record);
  }
  return profiler.toProfile();
}

const range = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

describe("fitting a profile's samples to its document budget", () => {
  const profile = profileOf({
    a: range(2000),
    b: range(300, 10_000),
    c: range(2000, 20_000),
    s: range(2000).map((i) => `s${i % 7}`),
  });

  it("leaves a profile within the budget as it is", () => {
    expect(fitSamples(profile, bytesFor(4300))).toBe(profile);
  });

  it("keeps small samples whole and gives the rest equal shares of what is left", () => {
    const fitted = fitSamples(profile, bytesFor(2000));
    expect(["a", "b", "c", "s"].map((name) => sampleOf(fitted, name).length)).toEqual([850, 300, 850, 0]);
    expect(fitted.columns.a!.sketch.reservoir).toMatchObject({ capacity: 850, seen: 2000 });
    expect(fitted.columns.b).toEqual(profile.columns.b);
    // Only the samples change: counts, moments, quantiles, value counts and the fingerprint stay.
    const { sketch: fittedSketch, ...fittedRest } = fitted.columns.a!;
    const { sketch, ...rest } = profile.columns.a!;
    expect(fittedRest).toEqual(rest);
    expect({ ...fittedSketch, reservoir: null }).toEqual({ ...sketch, reservoir: null });
    expect(fitted.fingerprint).toBe(profile.fingerprint);
  });

  it("draws each smaller sample from the column's own values, the same way every time", () => {
    const fitted = fitSamples(profile, bytesFor(2000));
    const original = new Set(sampleOf(profile, "c"));
    const shrunk = sampleOf(fitted, "c");
    expect(new Set(shrunk).size).toBe(shrunk.length);
    expect([...shrunk].every((value) => original.has(value))).toBe(true);
    expect(fitSamples(profile, bytesFor(2000))).toEqual(fitted);
  });

  it("draws uniformly: the mean of 500 of 0..4999 is near 2499.5", () => {
    const wide = profileOf({ x: range(5000) });
    const shrunk = sampleOf(fitSamples(wide, bytesFor(500)), "x");
    const mean = shrunk.reduce((sum, value) => sum + value, 0) / shrunk.length;
    // Standard error of the mean of 500 draws without replacement from 5000 values: about 61.
    expect(Math.abs(mean - 2499.5)).toBeLessThan(5 * 61);
  });

  it("gives profiles that load, merge and keep the smaller capacity", () => {
    const fitted = fitSamples(profile, bytesFor(2000));
    const restored = DatasetProfiler.fromProfile(fitted, "fitted profile");
    restored.merge(DatasetProfiler.fromProfile(profile, "whole profile"));
    const merged = restored.toProfile();
    expect(merged.columns.a!.sketch.reservoir.capacity).toBe(850);
    expect(sampleOf(merged, "a")).toHaveLength(850);
    expect(ColumnProfiler.fromProfile(fitted.columns.c, "column c").sample().values).toHaveLength(850);
  });
});
