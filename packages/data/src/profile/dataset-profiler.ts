import { createHash } from "node:crypto";
import { UserError } from "@ctrain/core";
import type { RecordBatch } from "@ctrain/readers";
import type { ProfileOptions } from "./column-profiler.js";
import { ColumnProfiler } from "./column-profiler.js";
import type { ColumnProfile } from "./schema.js";
import { DatasetProfile } from "./schema.js";

/**
 * Profiles of every column of a dataset, fed row by row or batch by batch. A column that
 * appears late, or is missing from some rows or batches, holds nulls there, so every column counts every row.
 */
export class DatasetProfiler {
  private rows = 0;
  private readonly columns = new Map<string, ColumnProfiler>();

  constructor(private readonly options: ProfileOptions = {}) {}

  /** Continues from a saved dataset profile; a broken one raises a UserError naming `location` and the key. */
  static fromProfile(input: unknown, location: string, options: ProfileOptions = {}): DatasetProfiler {
    const parsed = DatasetProfile.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new UserError(`invalid dataset profile at ${issue.path.join(".") || "(top)"}: ${issue.message}`, {
        location,
        hint: "the profile was edited or written by something else; profile the data again to rebuild it",
      });
    }
    const profiler = new DatasetProfiler(options);
    profiler.rows = parsed.data.rows;
    for (const [name, column] of Object.entries(parsed.data.columns)) {
      const restored = ColumnProfiler.fromProfile(column, `${location} (column ${JSON.stringify(name)})`, options);
      if (column.count !== profiler.rows) {
        throw new UserError(`column ${JSON.stringify(name)} counts ${column.count} values in ${profiler.rows} rows`, {
          location,
          hint: "every column of a profile counts every row (nulls included); profile the data again to rebuild it",
        });
      }
      profiler.columns.set(name, restored);
    }
    return profiler;
  }

  get rowCount(): number {
    return this.rows;
  }

  /** The profiler of a column, created on first use with nulls for the rows before. */
  column(name: string): ColumnProfiler {
    let profiler = this.columns.get(name);
    if (profiler === undefined) {
      profiler = new ColumnProfiler(name, this.options);
      profiler.addNulls(this.rows);
      this.columns.set(name, profiler);
    }
    return profiler;
  }

  /** One row of values (see `ColumnProfiler.add`); known columns missing from it get null. */
  addRow(row: Readonly<Record<string, unknown>>): void {
    for (const name in row) this.column(name);
    for (const [name, profiler] of this.columns) profiler.add(row[name]);
    this.rows++;
  }

  /**
   * A batch of rows, column by column: text cells (CSV, TSV) as the cell grammar classifies them (null spellings,
   * numbers, booleans, else strings; timestamps stay strings), typed values (JSON Lines, Parquet) as `add` reads
   * them. Known columns missing from the batch get nulls. With `select`, only the columns it accepts.
   */
  addBatch(batch: RecordBatch, select?: (column: string) => boolean): void {
    const present = new Set<ColumnProfiler>();
    for (let col = 0; col < batch.columns.length; col++) {
      const name = batch.columns[col]!;
      if (select && !select(name)) continue;
      const profiler = this.column(name);
      present.add(profiler);
      if (batch.kind === "text") profiler.addTextColumn(batch, col);
      else {
        const values = batch.column(col);
        for (let row = 0; row < values.length; row++) profiler.add(values[row]);
      }
    }
    for (const profiler of this.columns.values()) if (!present.has(profiler)) profiler.addNulls(batch.rows);
    this.rows += batch.rows;
  }

  /** Adds another profiler's rows (e.g. another shard); `other` is left as it was. */
  merge(other: DatasetProfiler): void {
    for (const [name, theirs] of other.columns) {
      const mine = this.column(name);
      mine.merge(theirs);
    }
    for (const [name, mine] of this.columns) if (!other.columns.has(name)) mine.addNulls(other.rows);
    this.rows += other.rows;
  }

  toProfile(): DatasetProfile {
    const columns: Record<string, ColumnProfile> = {};
    for (const [name, profiler] of this.columns) columns[name] = profiler.toProfile();
    return { rows: this.rows, fingerprint: datasetFingerprint(this.rows, columns), columns };
  }
}

/**
 * sha256 of the row count and, per column by name, its counts and value fingerprint (a sum of value
 * hashes): equal for the same rows in any order or sharding, different when any value changes.
 */
export function datasetFingerprint(rows: number, columns: Readonly<Record<string, ColumnProfile>>): string {
  const material = Object.keys(columns)
    .sort()
    .map((name) => {
      const column = columns[name]!;
      const numeric = column.numeric;
      return [
        name,
        column.count,
        column.nullCount,
        column.numberCount,
        column.stringCount,
        column.booleanCount,
        numeric?.nanCount ?? 0,
        numeric?.positiveInfinityCount ?? 0,
        numeric?.negativeInfinityCount ?? 0,
        column.sketch.values.fingerprint,
      ];
    });
  return createHash("sha256")
    .update(JSON.stringify([rows, material]))
    .digest("hex");
}

/** Profile of the union of two shards of a column. Saved profiles are checked first (see `ColumnProfiler.fromProfile`). */
export function mergeProfiles(
  a: ColumnProfile,
  b: ColumnProfile,
  locations: [string, string] = ["first profile", "second profile"],
): ColumnProfile {
  const merged = ColumnProfiler.fromProfile(a, locations[0]);
  merged.merge(ColumnProfiler.fromProfile(b, locations[1]));
  return merged.toProfile();
}

/** Profile of the union of two shards of a dataset; columns missing from one shard are null in its rows. */
export function mergeDatasetProfiles(
  a: DatasetProfile,
  b: DatasetProfile,
  locations: [string, string] = ["first profile", "second profile"],
): DatasetProfile {
  const merged = DatasetProfiler.fromProfile(a, locations[0]);
  merged.merge(DatasetProfiler.fromProfile(b, locations[1]));
  return merged.toProfile();
}
