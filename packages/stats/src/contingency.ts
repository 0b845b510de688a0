import { chiSquareSurvival, twoSidedNormalPValue } from "./special-functions.js";

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  /** Degrees of freedom, (rows - 1)(columns - 1) of the table without all-zero rows and columns. */
  dof: number;
}

/**
 * Pearson's chi-square test of independence on a contingency table, matching
 * scipy.stats.chi2_contingency(table, correction=True): Yates' continuity correction only when dof = 1.
 * Rows and columns that are all zero are left out first (scipy refuses a table whose expected counts hold a
 * 0), so a category seen on one side only still counts and never divides by zero.
 */
export function chiSquareContingency(table: readonly (readonly number[])[]): ChiSquareResult {
  const columnCount = table[0]?.length ?? 0;
  const keptColumns = Array.from({ length: columnCount }, (_, j) => j).filter((j) => table.some((row) => row[j]! > 0));
  const observed = table.map((row) => keptColumns.map((j) => row[j]!)).filter((row) => row.some((count) => count > 0));
  const rowSums = observed.map((row) => row.reduce((sum, count) => sum + count, 0));
  const columnSums = keptColumns.map((_, j) => observed.reduce((sum, row) => sum + row[j]!, 0));
  const total = rowSums.reduce((sum, count) => sum + count, 0);
  const dof = Math.max(0, (observed.length - 1) * (keptColumns.length - 1));
  if (dof === 0) return { statistic: 0, pValue: 1, dof };
  let statistic = 0;
  observed.forEach((row, i) =>
    row.forEach((count, j) => {
      const expected = (rowSums[i]! * columnSums[j]!) / total;
      const difference = expected - count;
      // Yates: move each count toward its expectation by 0.5, never past it.
      const corrected = dof === 1 ? count + Math.sign(difference) * Math.min(0.5, Math.abs(difference)) : count;
      statistic += (corrected - expected) ** 2 / expected;
    }),
  );
  return { statistic, pValue: chiSquareSurvival(statistic, dof), dof };
}

export interface ZTestResult {
  /** (p1 - p2) / sqrt(P (1 - P) (1/n1 + 1/n2)), P the pooled proportion. */
  statistic: number;
  /** Two-sided: P(|Z| >= |z|). */
  pValue: number;
}

/**
 * Two-proportion Z-test (pooled variance), as Evidently's `z` drift test: the share of one category in
 * the reference against the current data. Evidently computes 2 (1 - Phi(|z|)), which rounds to 0 below
 * about 1e-16; this uses the normal survival function, equal above that and exact in the tail. When both
 * proportions are 0 or both 1 the samples agree: z = 0, p = 1.
 */
export function twoProportionZTest(
  reference: { hits: number; total: number },
  current: { hits: number; total: number },
): ZTestResult {
  const p1 = reference.hits / reference.total;
  const p2 = current.hits / current.total;
  const pooled = (p1 * reference.total + p2 * current.total) / (reference.total + current.total);
  const variance = pooled * (1 - pooled) * (1 / reference.total + 1 / current.total);
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const statistic = (p1 - p2) / Math.sqrt(variance);
  return { statistic, pValue: twoSidedNormalPValue(statistic) };
}
