import type { CheckResult } from "@ctrain/core";
import { CellKind, type CellRanges, type RecordBatch, type TextBatch } from "@ctrain/readers";
import { labelClass } from "./baseline-facts.js";
import { CellHashing, columnRuns, kindOf, recordedValue, textOf, type BatchPlace, type ColumnRuns } from "./cells.js";
import { KeyHasher, hashTag } from "./key-hasher.js";
import { KeyPartitionWriter, firstPlace, tallyRepeat, tallySink, type ShardPlace } from "./key-partitions.js";
import { KeyRun, keyCells, plainKey, type KeyCells } from "./key-run.js";
import { LabelTexts } from "./label-texts.js";
import { RepeatFinder, Seen, type RepeatSink } from "./repeat-finder.js";
import { plainRowLanes, type PlainRowLanes } from "./row-hash-simd.js";
import type { RepeatJob } from "./repeat-settling.js";
import type { RowSchema } from "./row-schema.js";
import { MAX_LABEL_CLASSES, classShareResult } from "./table-checks.js";
import { UnexpectedTally, formatCount, formatPercent, mapResult, type Severity } from "./results.js";

/** The checks that look at whole rows; each is on when its part is given. */
export interface RowCheckSpec {
  mostly: number;
  /** Key columns that must be unique together, and how much a repeat matters. */
  key?: { columns: readonly string[]; severity: Severity };
  duplicateRows?: Severity;
  label?: {
    column: string;
    /** Each class must hold at least this share of labelled rows. */
    minClassShare?: { share: number; severity: Severity };
    /** Labels the baseline had; a row with another label is unexpected. */
    newLabels?: { baseline: ReadonlySet<string>; severity: Severity };
    conflicting?: Severity;
  };
  schema?: { rowSchema: RowSchema; severity: Severity };
  tempDir?: string;
  /** Save the key's and whole rows' partitions in `dir` (`keys/<dataset>`) for a merge of shards. */
  partitions?: { dir: string; dataset: string; shard: ShardPlace };
}

/** One key column in a batch: where it is (-1: the batch lacks it) and its cells' kinds. */
interface KeyColumn {
  col: number;
  kinds?: Uint8Array;
}

/** Where the named columns sit in a batch (-1: absent); recomputed when the batch's columns change. */
class ColumnLookup {
  private columns?: readonly string[];
  indexes: number[] = [];

  constructor(private readonly names: readonly string[]) {}

  update(batch: RecordBatch): number[] {
    if (batch.columns !== this.columns) {
      this.columns = batch.columns;
      this.indexes = this.names.map((name) => batch.columns.indexOf(name));
    }
    return this.indexes;
  }
}

/**
 * Row-level checks in one walk per batch: key uniqueness, duplicate rows, label balance, new labels, conflicting
 * labels (same features, other label) and the row JSON Schema. Repeats are found by `RepeatFinder` in bounded memory.
 * Rows compare by their non-null cells as read (CSV text as written: "1" and "1.0" differ).
 */
export class RowChecks {
  private rows = 0;
  private keyedRows = 0;
  private labelledRows = 0;
  private readonly keyTally = new UnexpectedTally();
  private readonly duplicateTally = new UnexpectedTally();
  private readonly conflictTally = new UnexpectedTally();
  private readonly newLabelTally = new UnexpectedTally();
  private readonly schemaTally = new UnexpectedTally();
  private readonly keyFinder?: RepeatFinder;
  private readonly rowFinder?: RepeatFinder;
  private readonly featureFinder?: RepeatFinder;
  private readonly keyLookup?: ColumnLookup;
  private readonly keyRun?: KeyRun;
  private readonly keyPartitions?: KeyPartitionWriter;
  private readonly rowPartitions?: KeyPartitionWriter;
  private readonly labelLookup?: ColumnLookup;
  private readonly classCounts = new Map<string, number>();
  private readonly labelClasses = new Map<string, string>();
  private readonly labelTexts = new LabelTexts();
  private tooManyClasses = false;
  private readonly features = new KeyHasher();
  private readonly row = new KeyHasher();
  private readonly cells = new CellHashing();

  constructor(private readonly spec: RowCheckSpec) {
    const tempDir = spec.tempDir;
    if (spec.key) {
      this.keyFinder = new RepeatFinder({ tempDir });
      this.keyLookup = new ColumnLookup(spec.key.columns);
      const partitions = spec.partitions;
      // A shard's partitions hold every key's hash, for the merge: there the key run would save nothing.
      if (!partitions && spec.key.columns.length === 1) this.keyRun = new KeyRun();
      if (partitions) {
        this.keyPartitions = new KeyPartitionWriter(partitions.dir, {
          ...partitions,
          check: "key",
          columns: spec.key.columns,
        });
      }
    }
    if (spec.duplicateRows) {
      this.rowFinder = new RepeatFinder({ tempDir });
      const partitions = spec.partitions;
      if (partitions) {
        this.rowPartitions = new KeyPartitionWriter(partitions.dir, {
          ...partitions,
          check: "duplicate-rows",
          columns: [],
        });
      }
    }
    if (spec.label) {
      this.labelLookup = new ColumnLookup([spec.label.column]);
      if (spec.label.conflicting) this.featureFinder = new RepeatFinder({ tempDir });
    }
  }

  observe(place: BatchPlace): void {
    const { batch } = place;
    const rows = batch.rows;
    this.rows += rows;
    if (rows === 0) return;
    const text = batch.kind === "text";
    const hashRows = this.rowFinder !== undefined || this.featureFinder !== undefined;
    const keyIndexes = this.keyLookup?.update(batch);
    const labelIndex = this.labelLookup?.update(batch)[0] ?? -1;
    const keyColumns = Int32Array.from((keyIndexes ?? []).filter((col) => col >= 0)).sort();
    const featureColumns = columnRuns(
      Int32Array.from(batch.columns.keys()).filter((col) => col !== labelIndex && !keyColumns.includes(col)),
    );
    const labelKinds = labelIndex >= 0 ? batch.classifyColumn(labelIndex).kinds : undefined;
    // A plain ASCII label of a text batch is looked up by its bytes; other labels as values.
    const textBatch = batch.kind === "text" ? batch : undefined;
    const labelRanges = labelIndex >= 0 ? textBatch?.cellRanges() : undefined;
    const labels = labelIndex >= 0 && !text ? batch.column(labelIndex) : undefined;
    const keys = keyIndexes?.map((col): KeyColumn =>
      col < 0 ? { col } : { col, kinds: batch.classifyColumn(col).kinds },
    );
    const plainKeys =
      this.keyRun && text && keys?.length === 1 && keys[0]!.col >= 0 ? keyCells(batch, keys[0]!.col) : undefined;
    this.cells.use(batch);
    // The features of plain CSV rows are hashed for the whole batch at once.
    const plainRows = hashRows && textBatch ? plainRowLanes(textBatch, featureColumns.runs) : undefined;

    for (let row = 0; row < rows; row++) {
      const labelled = labelKinds !== undefined && labelKinds[row] !== CellKind.Null;
      let labelText = "";
      if (labelled) {
        labelText = labelRanges
          ? this.textClassOf(textBatch!, labelRanges, row, labelIndex)
          : labelClass(labels![row], false);
        this.countLabel(labelText, place, row, labelIndex);
      }
      if (keys) this.checkKey(keys, plainKeys, place, row);
      if (hashRows)
        this.checkRepeats(
          featureColumns,
          plainRows,
          keyColumns,
          labelIndex,
          labelled ? labelText : undefined,
          place,
          row,
        );
      if (this.spec.schema) {
        const reason = this.spec.schema.rowSchema.check(rowObject(batch, row, text), text);
        if (reason !== undefined) this.tally(this.schemaTally, reason, place, row);
      }
    }
  }

  /** The results; `complete: false` leaves out class shares, which need every row. */
  results(files: readonly (string | undefined)[], options: { complete: boolean }): CheckResult[] {
    const { spec } = this;
    const results: CheckResult[] = [];
    if (spec.schema) {
      const { rowSchema, severity } = spec.schema;
      results.push(
        mapResult(
          { check: "expect_rows_to_match_json_schema", severity, mostly: spec.mostly },
          { elements: this.rows, nonNull: this.rows, unexpected: this.schemaTally },
          (n, p) =>
            n === 0
              ? `every row matches ${rowSchema.file}`
              : `${formatCount(n)} of ${formatCount(this.rows)} rows (${formatPercent(p)}) do not match ${rowSchema.file}`,
        ),
      );
    }
    if (spec.key && this.keyFinder) {
      const columns = spec.key.columns;
      this.keyFinder.finish(this.keySink(files).found);
      this.keyPartitions?.finish({ files, rows: this.rows, counted: this.keyedRows, repeats: this.keyTally.count });
      results.push(
        keyResult(
          { columns, severity: spec.key.severity, mostly: spec.mostly },
          this.rows,
          this.keyedRows,
          this.keyTally,
        ),
      );
    }
    if (spec.duplicateRows && this.rowFinder) {
      this.rowFinder.finish(this.duplicateSink(files).found);
      this.rowPartitions?.finish({ files, rows: this.rows, counted: this.rows, repeats: this.duplicateTally.count });
      results.push(
        duplicateRowsResult({ severity: spec.duplicateRows, mostly: spec.mostly }, this.rows, this.duplicateTally),
      );
    }
    if (spec.label) results.push(...this.labelResults(spec.label, files, options.complete));
    return results;
  }

  /** The finders whose spilled keys `results` would settle, to settle them before (`settleRepeats`). */
  repeatJobs(files: readonly (string | undefined)[]): RepeatJob[] {
    const jobs: RepeatJob[] = [];
    if (this.keyFinder) jobs.push({ finder: this.keyFinder, sink: this.keySink(files) });
    if (this.rowFinder) jobs.push({ finder: this.rowFinder, sink: this.duplicateSink(files) });
    if (this.featureFinder) jobs.push({ finder: this.featureFinder, sink: this.conflictSink(files) });
    return jobs;
  }

  private keySink(files: readonly (string | undefined)[]): RepeatSink {
    return tallySink(this.keyTally, this.keyPartitions, files, (first) => `same key as ${first}`);
  }

  private duplicateSink(files: readonly (string | undefined)[]): RepeatSink {
    return tallySink(this.duplicateTally, this.rowPartitions, files, (first) => `same as ${first}`);
  }

  /** Rows with the features of an earlier row: only those with another label count. */
  private conflictSink(files: readonly (string | undefined)[]): RepeatSink {
    return {
      found: (kind, file, line, firstFile, firstLine) => {
        if (kind === Seen.Conflict)
          this.conflictTally.add(`other label than ${firstPlace(files, firstFile, firstLine)}`, files[file], line);
      },
      more: (kind, count) => {
        if (kind === Seen.Conflict) this.conflictTally.count += count;
      },
    };
  }

  dispose(): void {
    this.keyFinder?.dispose();
    this.keyPartitions?.dispose();
    this.rowFinder?.dispose();
    this.rowPartitions?.dispose();
    this.featureFinder?.dispose();
  }

  private labelResults(
    label: NonNullable<RowCheckSpec["label"]>,
    files: readonly (string | undefined)[],
    complete: boolean,
  ): CheckResult[] {
    const results: CheckResult[] = [];
    const column = label.column;
    if (label.minClassShare && complete) {
      const { share, severity } = label.minClassShare;
      results.push(classShareResult(column, this.tooManyClasses ? undefined : this.classCounts, share, severity));
    }
    if (label.newLabels) {
      const known = label.newLabels.baseline.size;
      results.push(
        mapResult(
          {
            check: "expect_label_values_to_be_in_baseline_set",
            column,
            severity: label.newLabels.severity,
            mostly: this.spec.mostly,
          },
          { elements: this.rows, nonNull: this.labelledRows, unexpected: this.newLabelTally },
          (n, p) =>
            n === 0
              ? `${column}: every label is one of the baseline's ${formatCount(known)}`
              : `${column}: ${formatCount(n)} of ${formatCount(this.labelledRows)} labelled rows (${formatPercent(p)}) carry a label the baseline did not have`,
        ),
      );
    }
    if (label.conflicting && this.featureFinder) {
      this.featureFinder.finish(this.conflictSink(files).found);
      results.push(
        mapResult(
          {
            check: "expect_identical_features_to_have_one_label",
            column,
            severity: label.conflicting,
            mostly: this.spec.mostly,
          },
          { elements: this.rows, nonNull: this.labelledRows, unexpected: this.conflictTally },
          (n, p) =>
            n === 0
              ? `${column}: rows with identical features carry the same label`
              : `${column}: ${formatCount(n)} of ${formatCount(this.labelledRows)} labelled rows (${formatPercent(p)}) repeat an earlier row's features with another label`,
        ),
      );
    }
    return results;
  }

  /**
   * `labelClass` of a CSV label cell, remembered per text (labels take few distinct values, and every row has one):
   * plain ASCII cells by their bytes, others by their string.
   */
  private textClassOf(batch: TextBatch, ranges: CellRanges, row: number, col: number): string {
    const index = row * ranges.width + col;
    const plain = ranges.flags[index] === 0;
    if (plain) {
      const known = this.labelTexts.find(ranges.bytes, ranges.starts[index]!, ranges.ends[index]!);
      if (known !== undefined) return known;
    }
    const label = batch.cell(row, col);
    let known = this.labelClasses.get(label);
    if (known === undefined) {
      known = labelClass(label, true);
      if (this.labelClasses.size < MAX_LABEL_CLASSES) this.labelClasses.set(label, known);
    }
    if (plain) this.labelTexts.remember(label, known);
    return known;
  }

  private countLabel(labelText: string, place: BatchPlace, row: number, col: number): void {
    this.labelledRows++;
    if (!this.tooManyClasses) {
      const count = this.classCounts.get(labelText);
      if (count !== undefined) this.classCounts.set(labelText, count + 1);
      else if (this.classCounts.size < MAX_LABEL_CLASSES) this.classCounts.set(labelText, 1);
      else {
        this.tooManyClasses = true;
        this.classCounts.clear();
      }
    }
    const newLabels = this.spec.label?.newLabels;
    if (newLabels && !newLabels.baseline.has(labelText)) {
      const { batch } = place;
      const text = batch.kind === "text";
      this.tally(
        this.newLabelTally,
        recordedValue(text ? batch.cell(row, col) : batch.column(col)[row], text),
        place,
        row,
      );
    }
  }

  /**
   * The key's non-null cells, hashed with their position in the key; rows whose key is all null are not keyed. A plain
   * integer key of one column goes to the key run first (`plainKeys`: the batch's key cells, when the run may take them).
   */
  private checkKey(keys: readonly KeyColumn[], plainKeys: KeyCells | undefined, place: BatchPlace, row: number): void {
    if (plainKeys) {
      const value = plainKey(plainKeys, row);
      const seen = value < 0 ? undefined : this.keyRun!.see(value);
      if (seen !== undefined) {
        this.keyedRows++;
        if (seen === Seen.Repeat) this.tallyKeyRepeat(keys, place, row);
        return;
      }
    }
    const hasher = this.row.reset();
    let present = 0;
    for (let i = 0; i < keys.length; i++) {
      const { col, kinds } = keys[i]!;
      if (kinds === undefined || kinds[row] === CellKind.Null) continue;
      present++;
      this.cells.add(hasher, row, col, i);
    }
    if (present === 0) return;
    this.keyedRows++;
    hasher.finish();
    const { batch } = place;
    const line = batch.lineOf(row);
    if (this.keyFinder!.add(hasher.hi, hasher.lo, 0, place.fileIndex, line) !== Seen.New) {
      this.tallyKeyRepeat(keys, place, row);
    } else if (this.keyPartitions) {
      this.keyPartitions.add(hasher.hi, hasher.lo, place.fileIndex, line);
    }
  }

  private tallyKeyRepeat(keys: readonly KeyColumn[], place: BatchPlace, row: number): void {
    if (!this.keyTally.wantsExample()) {
      this.keyTally.count++;
      return;
    }
    const shown = keyText(
      place.batch,
      row,
      keys.map(({ col }) => col),
    );
    tallyRepeat(this.keyTally, this.keyPartitions, shown, place, place.batch.lineOf(row));
  }

  /**
   * Duplicate rows compare every cell; conflicting labels compare features only: cells outside the key columns (an
   * id makes every row unique) and the label.
   */
  private checkRepeats(
    featureColumns: ColumnRuns,
    plainRows: PlainRowLanes | undefined,
    keyColumns: Int32Array,
    labelIndex: number,
    labelText: string | undefined,
    place: BatchPlace,
    row: number,
  ): void {
    const features = this.features.reset();
    if (plainRows?.plain[row] === 1) features.withLanes(plainRows.lanes[2 * row]!, plainRows.lanes[2 * row + 1]!);
    else this.cells.addColumns(features, row, featureColumns);
    const line = place.batch.lineOf(row);
    if (this.rowFinder) {
      const whole = this.row.copyFrom(features);
      this.cells.addAll(whole, row, keyColumns);
      if (labelText !== undefined) whole.addColumn(labelIndex).addString(labelText);
      whole.finish();
      if (this.rowFinder.add(whole.hi, whole.lo, 0, place.fileIndex, line) !== Seen.New) {
        if (this.duplicateTally.wantsExample())
          tallyRepeat(this.duplicateTally, this.rowPartitions, rowPreview(place.batch, row), place, line);
        else this.duplicateTally.count++;
      } else if (this.rowPartitions) {
        this.rowPartitions.add(whole.hi, whole.lo, place.fileIndex, line);
      }
    }
    if (this.featureFinder && labelText !== undefined) {
      features.finish();
      const seen = this.featureFinder.add(features.hi, features.lo, hashTag(labelText), place.fileIndex, line);
      if (seen === Seen.Conflict) this.tally(this.conflictTally, labelText, place, row);
    }
  }

  private tally(tally: UnexpectedTally, value: string | number | boolean | null, place: BatchPlace, row: number): void {
    if (tally.wantsExample()) tally.add(value, place.file, place.batch.lineOf(row));
    else tally.count++;
  }
}

/** The key check's result: `tally` holds the keyed rows that repeat an earlier key. */
export function keyResult(
  key: { columns: readonly string[]; severity: Severity; mostly: number },
  rows: number,
  keyedRows: number,
  tally: UnexpectedTally,
): CheckResult {
  const { columns } = key;
  return mapResult(
    {
      check: columns.length === 1 ? "expect_column_values_to_be_unique" : "expect_compound_columns_to_be_unique",
      column: columns.join(", "),
      severity: key.severity,
      mostly: key.mostly,
    },
    { elements: rows, nonNull: keyedRows, unexpected: tally },
    (n, p) =>
      n === 0
        ? `key (${columns.join(", ")}): every key is unique`
        : `key (${columns.join(", ")}): ${formatCount(n)} of ${formatCount(keyedRows)} keyed rows (${formatPercent(p)}) repeat an earlier key`,
  );
}

/** The duplicate-rows check's result: `tally` holds the rows that repeat an earlier row. */
export function duplicateRowsResult(
  identity: { severity: Severity; mostly: number },
  rows: number,
  tally: UnexpectedTally,
): CheckResult {
  return mapResult(
    { check: "expect_table_rows_to_be_unique", ...identity },
    { elements: rows, nonNull: rows, unexpected: tally },
    (n, p) =>
      n === 0
        ? "no row repeats an earlier row"
        : `${formatCount(n)} of ${formatCount(rows)} rows (${formatPercent(p)}) repeat an earlier row`,
  );
}

/** A row as JSON Schema sees it: non-null cells as properties (a null cell is a missing property). */
function rowObject(batch: RecordBatch, row: number, text: boolean): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let col = 0; col < batch.columns.length; col++) {
    const value = batch.column(col)[row];
    if (value === undefined || kindOf(value, text) === CellKind.Null) continue;
    const name = batch.columns[col]!;
    if (name === "__proto__")
      Object.defineProperty(values, name, { value, enumerable: true, writable: true, configurable: true });
    else values[name] = value instanceof Date ? value.toISOString() : typeof value === "bigint" ? Number(value) : value;
  }
  return values;
}

/** A key as examples show it: its cells' text, joined by ", " (a column the batch lacks, -1, shows empty). */
export function keyText(batch: RecordBatch, row: number, cols: readonly number[]): string {
  const text = batch.kind === "text";
  return cols.map((col) => (col < 0 ? "" : textOf(batch.cell(row, col), text))).join(", ");
}

/** The first cells of a row, for an example of a duplicate. */
export function rowPreview(batch: RecordBatch, row: number): string {
  const text = batch.kind === "text";
  const cells: string[] = [];
  let length = 0;
  for (let col = 0; col < batch.columns.length && length < 120; col++) {
    const cell = batch.cell(row, col);
    const shown = cell === null || cell === undefined ? "" : textOf(cell, text);
    cells.push(shown);
    length += shown.length + 1;
  }
  return cells.join(",") + (cells.length < batch.columns.length ? ",…" : "");
}
