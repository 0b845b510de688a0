import type { ClassifiedColumn, RecordBatch } from "./batch.js";
import { CellKind } from "./cell-grammar.js";
import { classifyCell, classifyValue } from "./cell-kinds.js";

/** A column's inferred type; "null" when every cell is null. */
export type InferredColumnType = "null" | "integer" | "float" | "boolean" | "timestamp" | "string";

/** `CellKind` values by name, in `CellKind` order. */
export const CELL_KIND_NAMES: readonly InferredColumnType[] = [
  "null",
  "integer",
  "float",
  "boolean",
  "timestamp",
  "string",
];

/** A cell that does not parse as its column's type, and where it is. */
export interface TypeFailure {
  value: string;
  file: string;
  line: number;
}

export interface ColumnTypeReport {
  type: InferredColumnType;
  cells: number;
  /** Cells of each kind. */
  kinds: Record<InferredColumnType, number>;
  /** Non-null cells that are not of `type` (integers count as floats). */
  failures: number;
  /** The first failing cells in read order, at most `maxExamples`. */
  failureExamples: TypeFailure[];
}

export interface TypeInferenceOptions {
  /**
   * The share of non-null cells that must be of a type for the column to take it (default 0.9), so a
   * numeric column with a few stray words is reported as numeric with failures rather than as text.
   * Numbers (integer, or float if any cell has a fraction) come first, then boolean, timestamp; else string.
   */
  minShare?: number;
  /** Failing cells remembered per cell kind (default 5). */
  maxExamples?: number;
}

/** What each inferred type accepts, by cell kind. */
const ACCEPTED: Record<Exclude<InferredColumnType, "null">, readonly CellKind[]> = {
  integer: [CellKind.Integer],
  float: [CellKind.Integer, CellKind.Float],
  boolean: [CellKind.Boolean],
  timestamp: [CellKind.Timestamp],
  string: [CellKind.Integer, CellKind.Float, CellKind.Boolean, CellKind.Timestamp, CellKind.String],
};

interface Example extends TypeFailure {
  /** Position in read order, to pick the first failures across kinds. */
  order: number;
}

/**
 * Infers one column's type over any number of batches (and shards: `merge`), counting the cells
 * that do not fit. Memory is constant: counts and a few examples per kind.
 */
export class ColumnTypeInference {
  private readonly counts = [0, 0, 0, 0, 0, 0];
  private readonly examples: Example[][] = [[], [], [], [], [], []];
  private cells = 0;
  private readonly minShare: number;
  private readonly maxExamples: number;

  constructor(options: TypeInferenceOptions = {}) {
    this.minShare = options.minShare ?? 0.9;
    this.maxExamples = options.maxExamples ?? 5;
    if (!(this.minShare > 0 && this.minShare <= 1))
      throw new RangeError(`minShare must be in (0, 1], got ${this.minShare}`);
  }

  /** Adds column `col` of a batch; returns its kinds and numbers (`RecordBatch.classifyColumn`) for the caller's own use. */
  observeColumn(batch: RecordBatch, col: number): ClassifiedColumn {
    const classified = batch.classifyColumn(col);
    const { kinds } = classified;
    for (let row = 0; row < kinds.length; row++) {
      const kind = kinds[row] as CellKind;
      this.counts[kind]!++;
      if (this.examples[kind]!.length < this.maxExamples)
        this.addExample(kind, batch.cell(row, col), batch.file, batch.lineOf(row));
      this.cells++;
    }
    return classified;
  }

  /** Adds one CSV cell, by its raw text. */
  observeText(text: string, file: string, line: number): CellKind {
    return this.add(classifyCell(text), text, file, line);
  }

  /** Adds one typed value (JSON Lines, Parquet): a JSON string is a string, even if it holds digits. */
  observeValue(value: unknown, file: string, line: number): CellKind {
    return this.add(classifyValue(value), value, file, line);
  }

  private add(kind: CellKind, value: unknown, file: string, line: number): CellKind {
    this.counts[kind]!++;
    if (this.examples[kind]!.length < this.maxExamples) this.addExample(kind, value, file, line);
    this.cells++;
    return kind;
  }

  private addExample(kind: CellKind, value: unknown, file: string, line: number): void {
    this.examples[kind]!.push({ value: describeValue(value), file, line, order: this.cells });
  }

  /** Adds another inference's cells, read after this one's (for shards read in parallel). */
  merge(other: ColumnTypeInference): void {
    for (let kind = 0; kind < this.counts.length; kind++) {
      this.counts[kind]! += other.counts[kind]!;
      const examples = this.examples[kind]!;
      for (const example of other.examples[kind]!) {
        if (examples.length >= this.maxExamples) break;
        examples.push({ ...example, order: example.order + this.cells });
      }
    }
    this.cells += other.cells;
  }

  report(): ColumnTypeReport {
    const kinds = Object.fromEntries(CELL_KIND_NAMES.map((name, kind) => [name, this.counts[kind]!])) as Record<
      InferredColumnType,
      number
    >;
    const nonNull = this.cells - this.counts[CellKind.Null]!;
    const type = nonNull === 0 ? "null" : this.chooseType(nonNull);
    if (type === "null") return { type, cells: this.cells, kinds, failures: 0, failureExamples: [] };
    const accepted = ACCEPTED[type];
    const failing = [CellKind.Integer, CellKind.Float, CellKind.Boolean, CellKind.Timestamp, CellKind.String].filter(
      (kind) => !accepted.includes(kind),
    );
    const failures = this.countOf(failing);
    const failureExamples = failing
      .flatMap((kind) => this.examples[kind]!)
      .sort((a, b) => a.order - b.order)
      .slice(0, this.maxExamples)
      .map(({ value, file, line }) => ({ value, file, line }));
    return { type, cells: this.cells, kinds, failures, failureExamples };
  }

  private countOf(kinds: readonly CellKind[]): number {
    let total = 0;
    for (const kind of kinds) total += this.counts[kind]!;
    return total;
  }

  private chooseType(nonNull: number): Exclude<InferredColumnType, "null"> {
    const fits = (kinds: readonly CellKind[]) => this.countOf(kinds) / nonNull >= this.minShare;
    if (fits(ACCEPTED.float)) return this.counts[CellKind.Float]! > 0 ? "float" : "integer";
    if (fits(ACCEPTED.boolean)) return "boolean";
    if (fits(ACCEPTED.timestamp)) return "timestamp";
    return "string";
  }
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (typeof value === "object" && value !== null)
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
  return String(value);
}
