import type { ColumnRules, ValidationDocument } from "@ctrain/core";
import { datasetDrift, type ColumnDriftOverride, type SkippedColumn } from "../drift/index.js";
import type { DatasetProfile } from "../profile/index.js";

export type DriftSection = NonNullable<ValidationDocument["datasets"][number]["drift"]>;

export interface DriftSectionOptions {
  /** Where the baseline came from, in words. */
  baseline: string;
  /** Dataset drift when the drifted share of tested columns reaches this. */
  datasetShare: number;
  /** Column rules; their `drift:` overrides the test and threshold. */
  columns: Readonly<Record<string, ColumnRules>>;
  /** Columns not tested: keys identify rows, so every new row would look like drift. */
  exclude: readonly string[];
}

/**
 * Drift of every column against the baseline's profile (Evidently's default tests unless a column overrides them)
 * and the dataset verdict, in validation.json's shape. Tests that need raw values run on the profiles' reservoir
 * samples and say so (`sampled`). Columns that could not be tested are returned apart, with the reason.
 */
export function driftSection(
  current: DatasetProfile,
  baseline: DatasetProfile,
  options: DriftSectionOptions,
): { section: DriftSection; skipped: SkippedColumn[] } {
  const overrides: Record<string, ColumnDriftOverride> = {};
  for (const [column, rules] of Object.entries(options.columns)) {
    if (rules.drift)
      overrides[column] = {
        test: rules.drift.test,
        ...(rules.drift.threshold === undefined ? {} : { threshold: rules.drift.threshold }),
      };
  }
  const excluded = new Set(options.exclude);
  const onlyTested = (profile: DatasetProfile): DatasetProfile => ({
    ...profile,
    columns: Object.fromEntries(Object.entries(profile.columns).filter(([column]) => !excluded.has(column))),
  });
  const result = datasetDrift(onlyTested(baseline), onlyTested(current), {
    driftShare: options.datasetShare,
    columns: overrides,
    locations: ["the baseline's profile", "this profile"],
  });
  const finite = (x: number | undefined): number | null => (x !== undefined && Number.isFinite(x) ? x : null);
  const section: DriftSection = {
    baseline: options.baseline,
    datasetDrift: result.datasetDrift,
    driftedShare: result.driftedShare,
    threshold: result.threshold,
    columns: result.columns.map((column) => ({
      column: column.column,
      type: column.type,
      test: column.test,
      statistic: finite(column.statistic),
      ...(column.pValue === undefined ? {} : { pValue: finite(column.pValue) }),
      threshold: column.threshold,
      drifted: column.drifted,
      sampled: column.sampled,
      sampleSizes: column.sampleSizes,
      psi: finite(column.psi),
      newCategories: column.newCategories,
      missingCategories: column.missingCategories,
    })),
  };
  const skipped = [
    ...result.skipped,
    ...[...excluded]
      .filter((column) => column in current.columns)
      .map((column) => ({ column, reason: "it is a key column" })),
  ];
  return { section, skipped };
}
