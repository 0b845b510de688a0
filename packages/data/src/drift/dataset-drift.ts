import type { DatasetProfile } from "../profile/index.js";
import { columnDrift, isSkipped } from "./column-drift.js";
import type { ColumnDriftOverride, ColumnDriftResult, DatasetDriftResult, SkippedColumn } from "./drift-result.js";

export interface DatasetDriftOptions {
  /** Dataset drift when drifted columns / tested columns reaches this; default 0.5 (Evidently). */
  driftShare?: number;
  /** Per-column test and threshold. */
  columns?: Readonly<Record<string, ColumnDriftOverride>>;
  /** Where each profile came from, for error messages. */
  locations?: [string, string];
}

/**
 * Drift of every column the baseline and the current profile share (see `columnDrift`), and Evidently's
 * dataset verdict: drift when the share of drifted columns reaches `driftShare`. Columns in one profile only
 * are listed as skipped.
 */
export function datasetDrift(
  baseline: DatasetProfile,
  current: DatasetProfile,
  options: DatasetDriftOptions = {},
): DatasetDriftResult {
  const threshold = options.driftShare ?? 0.5;
  const [baselineLocation, currentLocation] = options.locations ?? ["baseline profile", "current profile"];
  const columns: ColumnDriftResult[] = [];
  const skipped: SkippedColumn[] = [];
  for (const [name, baselineColumn] of Object.entries(baseline.columns)) {
    const currentColumn = current.columns[name];
    if (currentColumn === undefined) {
      skipped.push({ column: name, reason: "it is missing from the current data" });
      continue;
    }
    const where = (location: string): string => `${location} (column ${JSON.stringify(name)})`;
    const outcome = columnDrift(name, baselineColumn, currentColumn, options.columns?.[name], [
      where(baselineLocation),
      where(currentLocation),
    ]);
    if (isSkipped(outcome)) skipped.push(outcome);
    else columns.push(outcome);
  }
  for (const name of Object.keys(current.columns)) {
    if (!(name in baseline.columns)) skipped.push({ column: name, reason: "the baseline does not have it" });
  }
  const driftedShare = columns.length === 0 ? 0 : columns.filter((column) => column.drifted).length / columns.length;
  return { datasetDrift: columns.length > 0 && driftedShare >= threshold, driftedShare, threshold, columns, skipped };
}
