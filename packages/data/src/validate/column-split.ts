import type { ColumnRules, DatasetConfig } from "@ctrain/core";
import { CellKind, type RecordBatch } from "@ctrain/readers";
import { rowChecksOn } from "../checks/dataset-checks.js";
import { KeyRun, keyCells, plainKey } from "../checks/key-run.js";
import { Seen } from "../checks/repeat-finder.js";

/**
 * Estimated CPU time in nanoseconds per row, from per-column runs and --cpu-prof of the validate benchmark (20 columns,
 * 1.56 M and 6.2 M rows of CSV). They only decide which thread does what: no result depends on them.
 */
const NS = {
  /** The cell grammar, per text cell. */
  classify: 40,
  /** Moments, quantiles, sample and value counts of a number. */
  number: 85,
  /**
   * A string the value counts already hold; one they do not costs more. A new string measures about 140 ns alone
   * (stashed, counters turning over); 250 also weighs what else such a column costs the thread (memory, collection),
   * and dealt the benchmark's columns out 5% faster end to end than 140 (alternating runs).
   */
  knownString: 35,
  newString: 250,
  /** Column checks, per cell: of CSV text in its bytes, and of a typed value (JSON Lines, Parquet) or made string. */
  allowedValues: 30,
  regex: 100,
  length: 5,
  allowedValue: 70,
  regexValue: 200,
  lengthValue: 15,
  range: 10,
  unique: 250,
  /** Reading: tokenizing a byte of CSV, handing it to another thread, and taking it there. */
  tokenizeByte: 2.0,
  shipByte: 0.3,
  receiveByte: 0.4,
  /**
   * Row checks: the key, hashing a byte of a row, each repeat table, the label, the row JSON Schema. A key that counts
   * up by one (`KeyRun`) costs neither its hash nor a repeat table.
   */
  key: 120,
  keyRun: 150,
  rowHashByte: 0.7,
  repeatTable: 130,
  label: 90,
  rowSchema: 2000,
} as const;

/** What a share's thread does besides its columns: read (and hand batches over), or run the row checks. */
export interface ShareDuty {
  reads: boolean;
  ships: boolean;
  receives: boolean;
  rowChecks: boolean;
}

/**
 * Which thread profiles and checks each column. Columns are dealt out when first seen, the costliest first, each to
 * the share with the least work so far, by costs estimated from the batch they first appear in and the column's
 * checks; each share starts with what its thread does besides (reading, handing batches over, the row checks). Every
 * thread sees the same batches in the same order and so splits alike, and a column's profile and checks are the same
 * whichever thread makes them: the split changes only the time taken.
 */
export class ColumnSplit {
  private readonly shares = new Map<string, number>();
  private readonly seen: string[] = [];
  private readonly loads: number[];
  private lastColumns?: readonly string[];

  /** `inferred`: the rules `schema: infer` takes from the baseline, for columns the config leaves out. */
  constructor(
    private readonly duties: readonly ShareDuty[],
    private readonly config?: DatasetConfig,
    private readonly inferred?: Readonly<Record<string, ColumnRules>>,
  ) {
    this.loads = duties.map(() => 0);
  }

  /** Columns in first-seen order. */
  get order(): readonly string[] {
    return this.seen;
  }

  /** Deals out the batch's columns not seen before; call with every batch, in read order, before `shareOf`. */
  learn(batch: RecordBatch): void {
    if (batch.columns === this.lastColumns) return;
    this.lastColumns = batch.columns;
    const fresh = [...new Set(batch.columns)]
      .filter((name) => !this.shares.has(name))
      .map((name) => ({ name, col: batch.columns.indexOf(name) }));
    if (fresh.length === 0) return;
    if (this.seen.length === 0) this.addDuties(batch);
    this.seen.push(...fresh.map(({ name }) => name));
    const costs = fresh.map(({ name, col }) => ({ name, cost: columnCost(batch, col, this.rulesOf(name)) }));
    // Stable: equal costs keep file order, so every thread deals alike.
    costs.sort((a, b) => b.cost - a.cost);
    for (const { name, cost } of costs) {
      let share = 0;
      for (let other = 1; other < this.loads.length; other++)
        if (this.loads[other]! < this.loads[share]!) share = other;
      this.shares.set(name, share);
      this.loads[share]! += cost;
    }
  }

  /** The share of a column `learn` has seen. */
  shareOf(column: string): number {
    const share = this.shares.get(column);
    if (share === undefined) throw new Error(`column ${JSON.stringify(column)} was not dealt out`);
    return share;
  }

  private rulesOf(column: string): ColumnRules | undefined {
    const own = this.config?.columns[column];
    if (own || this.config?.schema !== "infer") return own;
    return this.inferred?.[column];
  }

  private addDuties(batch: RecordBatch): void {
    const bytesPerRow = batch.kind === "text" && batch.rows > 0 ? rowBytes(batch) : 0;
    this.duties.forEach((duty, share) => {
      let load = 0;
      if (duty.reads) load += NS.tokenizeByte * bytesPerRow;
      if (duty.ships) load += NS.shipByte * bytesPerRow;
      if (duty.receives) load += NS.receiveByte * bytesPerRow;
      if (duty.rowChecks && this.config) load += rowCheckCost(this.config, bytesPerRow, countsUp(batch, this.config));
      this.loads[share] = load;
    });
  }
}

/**
 * Rows of a column's first batch its cost is estimated from: a CSV batch holds a few hundred, a Parquet row group may
 * hold a million, which every thread would otherwise walk for every column.
 */
const SAMPLED_ROWS = 2000;

/** The cost of one column per row: its cells as the first rows of the batch hold them, and its checks. */
function columnCost(batch: RecordBatch, col: number, rules: ColumnRules | undefined): number {
  const rows = Math.min(batch.rows, SAMPLED_ROWS);
  let cost = batch.kind === "text" ? NS.classify : 0;
  if (rows > 0) {
    // Text batches are small, and their classification is kept for the thread that profiles the column.
    const kinds = batch.kind === "text" ? batch.classifyColumn(col).kinds : undefined;
    let numbers = 0;
    const strings = new Map<unknown, number>();
    for (let row = 0; row < rows; row++) {
      const value = kinds ? undefined : batch.cell(row, col);
      const kind = kinds ? kinds[row] : value === null || value === undefined ? CellKind.Null : undefined;
      if (kind === CellKind.Integer || kind === CellKind.Float || typeof value === "number") numbers++;
      else if (kind !== CellKind.Null) {
        const cell = kinds ? batch.cell(row, col) : value;
        strings.set(cell, (strings.get(cell) ?? 0) + 1);
      }
    }
    let once = 0;
    let stringCells = 0;
    for (const count of strings.values()) {
      if (count === 1) once++;
      stringCells += count;
    }
    // Values seen once tell how often the next value is new (Good-Turing).
    const newShare = stringCells === 0 ? 0 : once / stringCells;
    const stringCost = NS.knownString + newShare * (NS.newString - NS.knownString);
    cost += (numbers * NS.number + stringCells * stringCost) / rows;
  }
  if (rules) cost += checkCost(rules, batch.kind === "text");
  return cost;
}

function checkCost(rules: ColumnRules, text: boolean): number {
  let cost = 0;
  if (rules["allowed-values"]) cost += text ? NS.allowedValues : NS.allowedValue;
  if (rules.regex !== undefined) cost += text ? NS.regex : NS.regexValue;
  if (rules["min-length"] !== undefined || rules["max-length"] !== undefined) cost += text ? NS.length : NS.lengthValue;
  if (rules.min !== undefined || rules.max !== undefined) cost += NS.range;
  if (rules.unique) cost += NS.unique;
  return cost;
}

/**
 * The row checks' cost per row: the key (`keyRuns`: its run takes it), the repeat tables (rows hashed whole), the label
 * and a row schema.
 */
function rowCheckCost(config: DatasetConfig, bytesPerRow: number, keyRuns: boolean): number {
  const on = rowChecksOn(config);
  let cost = 0;
  if (on.key) cost += keyRuns ? NS.keyRun : NS.key + NS.repeatTable;
  const tables = (on.duplicateRows ? 1 : 0) + (on.conflictingLabels ? 1 : 0);
  if (tables > 0) cost += NS.rowHashByte * bytesPerRow + tables * NS.repeatTable;
  if (on.label) cost += NS.label;
  if (on.schemaFile !== undefined) cost += NS.rowSchema;
  return cost;
}

/** Bytes per row of a text batch, from its cells' extent (headers and line breaks aside). */
function rowBytes(batch: RecordBatch & { kind: "text" }): number {
  const { starts, ends, width } = batch.cellRanges();
  const last = (batch.rows - 1) * width + width - 1;
  return (ends[last]! - starts[0]!) / batch.rows;
}

/** Whether the first batch's key is one column of plain integers counting up by one, which its `KeyRun` takes. */
function countsUp(batch: RecordBatch, config: DatasetConfig): boolean {
  const col = config.key?.length === 1 ? batch.columns.indexOf(config.key[0]!) : -1;
  if (batch.kind !== "text" || col < 0 || batch.rows === 0) return false;
  const cells = keyCells(batch, col);
  const run = new KeyRun();
  for (let row = 0; row < Math.min(batch.rows, SAMPLED_ROWS); row++) {
    const value = plainKey(cells, row);
    if (value < 0 || run.see(value) !== Seen.New) return false;
  }
  return true;
}
