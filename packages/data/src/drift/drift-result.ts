import type { ProfileValue } from "../profile/index.js";

/**
 * The drift tests, named as in ctrain.yml's `drift.test`:
 * - p-value tests, drift when p < threshold (default 0.05): `ks` (two-sample Kolmogorov-Smirnov, statistic D),
 *   `chi-square` (2 x k contingency table, statistic chi^2), `z-test` (two proportions, statistic z);
 * - scores, drift when score >= threshold (default 0.1): `wasserstein` (Wasserstein distance divided by the
 *   reference's standard deviation, floored at 0.001), `jensen-shannon` (Jensen-Shannon distance, natural log),
 *   `psi` (population stability index over the reference's deciles), `l-infinity` (largest difference of a
 *   category's share).
 */
export type DriftTest = "ks" | "chi-square" | "z-test" | "wasserstein" | "jensen-shannon" | "psi" | "l-infinity";

/** Tests whose score is a p-value: drift when it falls below the threshold. */
export const P_VALUE_TESTS: ReadonlySet<DriftTest> = new Set(["ks", "chi-square", "z-test"]);

/** Evidently's defaults: 0.05 for p-values, 0.1 for scores (l-infinity has no common default; TFDV asks for one). */
export function defaultThreshold(test: DriftTest): number {
  return P_VALUE_TESTS.has(test) ? 0.05 : 0.1;
}

/** A column's test: `auto` is Evidently's choice by type, size and distinct values; `none` skips the column. */
export interface ColumnDriftOverride {
  test?: DriftTest | "auto" | "none";
  threshold?: number;
}

/**
 * One column's drift, baseline (Evidently's "reference") against current data. NaN, ±Infinity and nulls are
 * left out on both sides, as Evidently drops them.
 */
export interface ColumnDriftResult {
  column: string;
  /** `numeric` when both sides hold numbers only; else `categorical` (strings, booleans, mixed kinds). */
  type: "numeric" | "categorical";
  test: DriftTest;
  /** The test statistic (D, chi^2, z) or the score (distance, PSI). */
  statistic: number;
  /** Present for p-value tests. */
  pValue?: number;
  threshold: number;
  /** p-value tests: pValue < threshold; scores: statistic >= threshold. */
  drifted: boolean;
  /**
   * True when the test ran on raw values (KS, Wasserstein, numeric PSI) and either side's reservoir holds a
   * uniform sample rather than every value.
   */
  sampled: boolean;
  /** Values the test ran on: [baseline, current]. */
  sampleSizes: [number, number];
  /** PSI of the same column, whatever the test (10 bins at the baseline's deciles, or category shares). */
  psi: number;
  /**
   * Values in the current data the baseline never had, and baseline values absent from the current data
   * (at most 100 each, sorted); listed for categorical columns and numeric ones with at most 5 distinct
   * values, and only when the side they must be absent from was counted exactly.
   */
  newCategories: ProfileValue[];
  missingCategories: ProfileValue[];
}

export interface SkippedColumn {
  column: string;
  reason: string;
}

/** Dataset drift, Evidently's rule: the share of drifted columns reaches `threshold` (default 0.5). */
export interface DatasetDriftResult {
  datasetDrift: boolean;
  /** Drifted columns / tested columns (0 when none was tested). */
  driftedShare: number;
  threshold: number;
  columns: ColumnDriftResult[];
  /** Columns not tested, with the reason: in one side only, no values, kinds that cannot be compared, `none`. */
  skipped: SkippedColumn[];
}
