import { rmSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { CheckResult, ColumnRules, DatasetConfig } from "@ctrain/core";
import type { RecordBatch } from "@ctrain/readers";
import type { BaselineFacts } from "./baseline-facts.js";
import type { BatchPlace } from "./cells.js";
import { ColumnChecks, type ColumnCheckSpec } from "./column-checks.js";
import type { ShardPlace } from "./key-partitions.js";
import { settleRepeats, type SettleThreads } from "./repeat-settling.js";
import { RowChecks, type RowCheckSpec } from "./row-checks.js";
import { loadRowSchema, type RowSchema } from "./row-schema.js";
import { tableResult, type Severity } from "./results.js";
import { rowCountResults } from "./table-checks.js";

export interface DatasetCheckOptions {
  /** The dataset's name in `data.datasets`. */
  name: string;
  config: DatasetConfig;
  baseline?: BaselineFacts;
  /** Where relative paths (the JSON Schema file, data files in documents) start. Default `process.cwd()`. */
  cwd?: string;
  /** Where repeat checks spill keys past their memory bound. Default the OS temp folder. */
  tempDir?: string;
  /** Told about checks that cannot run (no baseline for a ratio, for instance). */
  notice?: (message: string) => void;
  /**
   * A worker thread's share of the work: only the column checks of the columns it owns, and no row checks. Their
   * results come from `columnResults`.
   */
  columnShare?: ColumnOwner;
  /**
   * This is one shard of a sharded validation: the key, duplicate rows and unique columns save their partitions in
   * `dir` (`keys/<dataset>`) for the merge.
   */
  partitions?: { dir: string; shard: ShardPlace };
}

/** The row JSON Schema file a dataset names, if any (`schema: infer` takes its rules from the baseline instead). */
function rowSchemaFile(config: DatasetConfig): string | undefined {
  return config.schema === undefined || config.schema === "infer" ? undefined : config.schema;
}

/**
 * The row checks a dataset's config turns on, and how much each matters: `DatasetChecks` runs them, the column split
 * weighs them.
 */
export interface RowChecksOn {
  key: boolean;
  duplicateRows: Severity | undefined;
  label: boolean;
  conflictingLabels: Severity | undefined;
  /** The row JSON Schema's file (`schema: infer` runs none). */
  schemaFile: string | undefined;
}

export function rowChecksOn(config: DatasetConfig): RowChecksOn {
  const label = config.label !== undefined;
  return {
    key: config.key !== undefined,
    duplicateRows: severityOf(config["duplicate-rows"]),
    label,
    conflictingLabels: label ? severityOf(config["label-checks"]["conflicting-labels"]) : undefined,
    schemaFile: rowSchemaFile(config),
  };
}

function severityOf(setting: "error" | "warn" | "ignore"): Severity | undefined {
  return setting === "ignore" ? undefined : setting;
}

/** Which columns a thread checks; asked once per column, in the batch where it first appears. */
export interface ColumnOwner {
  owns(column: string): boolean;
}

/** Column check results by column name, as a thread that ran them hands them over. */
export type ColumnResults = Record<string, CheckResult[]>;

/**
 * Every check configured for one dataset, fed batch by batch in one pass (beside the profiler) and scored at the
 * end. Construction compiles what can be wrong in the config (the JSON Schema file, regexes) so such errors come
 * before any data is read.
 *
 * Memory does not grow with the data: counters, 20 examples per check, exact class counts up to 10,000 labels, and
 * for each repeat check (a unique column, the key, duplicate rows, conflicting labels) a table of at most 8 MiB
 * plus 1 MiB of buffers; keys past the table go to temporary files, 20 bytes each, settled at the end.
 */
export class DatasetChecks {
  private readonly specs: ColumnCheckSpec[];
  private columnChecks: ColumnChecks[];
  private readonly rowChecks: RowChecks | undefined;
  private readonly seenColumns: string[] = [];
  private readonly seenColumnSet = new Set<string>();
  private readonly files: (string | undefined)[] = [];
  private readonly fileIndexes = new Map<string, number>();
  private lastColumns?: readonly string[];
  private columnIndexes: number[] = [];
  private owner?: ColumnOwner;
  private rows = 0;
  private readonly cwd: string;
  private readonly severity: Severity;
  private readonly key: string;

  /**
   * The checks, with the row schema (if the dataset names one) read and compiled first: everything wrong in the
   * config is a UserError from here.
   */
  static async create(options: DatasetCheckOptions): Promise<DatasetChecks> {
    const file = options.columnShare ? undefined : rowSchemaFile(options.config);
    const rowSchema = file === undefined ? undefined : await loadRowSchema(file, options.cwd);
    return new DatasetChecks(options, rowSchema);
  }

  private constructor(
    private readonly options: DatasetCheckOptions,
    private readonly rowSchema: RowSchema | undefined,
  ) {
    const { config, name } = options;
    this.cwd = options.cwd ?? process.cwd();
    this.severity = config.severity;
    this.key = `data.datasets.${name}`;
    this.specs = this.columnSpecs();
    const share = options.columnShare;
    // Threads' column checks write beside the main thread's: only the main thread clears an earlier run's folder.
    if (options.partitions && !share) rmSync(options.partitions.dir, { recursive: true, force: true });
    const partitions = options.partitions && { ...options.partitions, dataset: name };
    this.owner = share;
    this.columnChecks = this.specs.map(
      (spec) => new ColumnChecks(spec, { tempDir: options.tempDir, ...(partitions ? { partitions } : {}) }),
    );
    this.rowChecks = share ? undefined : new RowChecks(this.rowSpec());
  }

  /**
   * Checks only the columns `owner` owns, as each first appears, and leaves the rest to other threads, whose
   * `columnResults` go to `results`; before the first batch.
   */
  keepColumnShare(owner: ColumnOwner): void {
    this.owner = owner;
  }

  /** One batch, in read order. */
  observe(batch: RecordBatch): void {
    const place = this.place(batch);
    if (batch.columns !== this.lastColumns) this.learnColumns(batch);
    for (let i = 0; i < this.columnChecks.length; i++) this.columnChecks[i]!.observe(this.columnIndexes[i]!, place);
    this.rowChecks?.observe(place);
    this.rows += batch.rows;
  }

  /**
   * The results, in a stable order: columns, column checks, rows. Call once, after the last batch. After a read
   * failed part way (`complete: false`), checks that need every row (row counts, class shares) are left out. Column
   * checks left to other threads are taken from their `columnResults`.
   */
  results(options: { complete: boolean; columnResults?: ColumnResults } = { complete: true }): CheckResult[] {
    const results: CheckResult[] = [...this.columnSetResults()];
    const byColumn = { ...this.columnResults(), ...options.columnResults };
    for (const spec of this.specs) results.push(...(byColumn[spec.column] ?? []));
    if (options.complete) {
      results.push(
        ...rowCountResults({
          rows: this.rows,
          config: this.options.config.rows,
          severity: this.severity,
          key: this.key,
          baseline: this.options.baseline,
          notice: this.options.notice,
        }),
      );
    }
    if (this.rowChecks) results.push(...this.rowChecks.results(this.files, options));
    return results;
  }

  /**
   * Settles the keys the repeat checks run here spilled past their memory bound, on `threads` too when given: `results`
   * would settle them on this thread alone. After the last batch, before `results`.
   */
  async settleRepeats(threads?: SettleThreads): Promise<void> {
    const jobs = this.columnChecks
      .filter((checks) => this.seenColumnSet.has(checks.spec.column))
      .flatMap((checks) => checks.repeatJobs(this.files));
    await settleRepeats([...jobs, ...(this.rowChecks?.repeatJobs(this.files) ?? [])], threads);
  }

  /** The results of the column checks run here, for the columns that were read. Call once, after the last batch. */
  columnResults(): ColumnResults {
    const results: ColumnResults = {};
    for (const checks of this.columnChecks) {
      if (this.seenColumnSet.has(checks.spec.column)) results[checks.spec.column] = checks.results(this.files);
      else checks.dispose();
    }
    return results;
  }

  /** Column names in the order first seen. */
  get columns(): readonly string[] {
    return this.seenColumns;
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Frees temporary files after a failed read. */
  dispose(): void {
    for (const checks of this.columnChecks) checks.dispose();
    this.rowChecks?.dispose();
  }

  private columnSpecs(): ColumnCheckSpec[] {
    const { config, baseline } = this.options;
    const inferred = config.schema === "infer" ? (baseline?.inferredRules ?? {}) : {};
    if (config.schema === "infer" && !baseline?.inferredRules) {
      this.options.notice?.(
        `${this.key}: schema: infer needs a baseline profile; none was found, so no schema is inferred`,
      );
    }
    const names = [...new Set([...Object.keys(config.columns), ...Object.keys(inferred)])];
    const keys = new Set(config.key ?? []);
    return names.map((column) => {
      const own = config.columns[column];
      const fromBaseline =
        inferred[column] && withoutBrittleRules(inferred[column], keys.has(column), column === config.label);
      return {
        column,
        // Rules written in the config win over inferred ones, key by key.
        rules: { ...fromBaseline, ...definedEntries(own) } as ColumnRules,
        key: `${this.key}.columns.${column}`,
        mostly: config.mostly,
        severity: config.severity,
        ...(fromBaseline && !own ? { origin: `inferred from ${baseline!.description}` } : {}),
      };
    });
  }

  private rowSpec(): RowCheckSpec {
    const { config, baseline } = this.options;
    const labelChecks = config["label-checks"];
    const on = rowChecksOn(config);
    const spec: RowCheckSpec = { mostly: config.mostly, tempDir: this.options.tempDir };
    if (config.key) spec.key = { columns: config.key, severity: config.severity };
    const partitions = this.options.partitions;
    if (partitions) spec.partitions = { ...partitions, dataset: this.options.name };
    if (on.duplicateRows) spec.duplicateRows = on.duplicateRows;
    if (this.rowSchema) spec.schema = { rowSchema: this.rowSchema, severity: config.severity };
    if (config.label !== undefined) {
      spec.label = { column: config.label };
      if (labelChecks["min-class-share"] !== undefined) {
        spec.label.minClassShare = { share: labelChecks["min-class-share"], severity: config.severity };
      }
      const newLabels = severityOf(labelChecks["new-labels"]);
      if (newLabels && baseline?.labels) spec.label.newLabels = { baseline: baseline.labels, severity: newLabels };
      else if (newLabels) {
        this.options.notice?.(
          `${this.key}.label-checks.new-labels: ${baseline ? `${baseline.description} has no complete list of ${config.label} values` : "no baseline"}, so new labels are not checked`,
        );
      }
      if (on.conflictingLabels) spec.label.conflicting = on.conflictingLabels;
    }
    return spec;
  }

  private place(batch: RecordBatch): BatchPlace {
    let fileIndex = this.fileIndexes.get(batch.file);
    if (fileIndex === undefined) {
      fileIndex = this.files.length;
      this.fileIndexes.set(batch.file, fileIndex);
      this.files.push(recordedPath(batch.file, this.cwd));
    }
    return { batch, file: this.files[fileIndex], fileIndex };
  }

  private learnColumns(batch: RecordBatch): void {
    this.lastColumns = batch.columns;
    for (const column of batch.columns) {
      if (!this.seenColumnSet.has(column)) {
        this.seenColumnSet.add(column);
        this.seenColumns.push(column);
      }
    }
    const owner = this.owner;
    if (owner) {
      // A check stays everywhere until its column appears (it counts the nulls before), then only with its owner.
      this.columnChecks = this.columnChecks.filter((checks) => {
        const column = checks.spec.column;
        if (!batch.columns.includes(column) || owner.owns(column)) return true;
        checks.dispose();
        return false;
      });
    }
    this.columnIndexes = this.columnChecks.map((checks) => batch.columns.indexOf(checks.spec.column));
  }

  /** Required columns exist; columns nobody declared are reported as `unexpected-columns` says. */
  private columnSetResults(): CheckResult[] {
    const { config } = this.options;
    const results: CheckResult[] = [];
    const required = new Map<string, Severity>();
    for (const { column, rules } of this.specs) {
      if (rules.required) required.set(column, rules.severity ?? this.severity);
    }
    for (const column of [...(config.key ?? []), ...(config.label === undefined ? [] : [config.label])]) {
      if (!required.has(column)) required.set(column, this.severity);
    }
    for (const [column, severity] of required) {
      const exists = this.seenColumnSet.has(column);
      results.push(
        tableResult(
          { check: "expect_column_to_exist", column, severity },
          {
            success: exists,
            message: exists ? `${column} exists` : `${column} is missing (columns: ${preview(this.seenColumns)})`,
            elements: 1,
            unexpected: exists ? 0 : 1,
          },
        ),
      );
    }
    const setting = config["unexpected-columns"];
    const declared = new Set([...this.specs.map((spec) => spec.column), ...required.keys()]);
    if (setting !== "ignore" && declared.size > 0) {
      const unexpected = this.seenColumns.filter((column) => !declared.has(column));
      results.push(
        tableResult(
          { check: "expect_table_columns_to_be_declared", severity: setting },
          {
            success: unexpected.length === 0,
            message:
              unexpected.length === 0
                ? `every one of ${this.seenColumns.length} columns is declared`
                : `${unexpected.length} columns are not declared under columns: ${preview(unexpected)} (unexpected-columns: ${setting})`,
            elements: this.seenColumns.length,
            unexpected: unexpected.length,
            examples: unexpected.map((value) => ({ value })),
          },
        ),
      );
    }
    return results;
  }
}

/** A data file's path as documents record it: relative to `cwd`, forward slashes; undefined when outside `cwd`. */
export function recordedPath(file: string, cwd: string): string | undefined {
  const path = relative(cwd, resolve(cwd, file));
  if (path === "" || isAbsolute(path) || path.split(/[\\/]/).includes("..")) return undefined;
  return path.split("\\").join("/");
}

/**
 * New keys fall outside the baseline's range by design, and the label's new classes have their own check
 * (label-checks.new-labels), so those inferred rules are dropped.
 */
function withoutBrittleRules(rules: ColumnRules, isKey: boolean, isLabel: boolean): ColumnRules {
  const kept = { ...rules };
  if (isKey) {
    delete kept.min;
    delete kept.max;
  }
  if (isLabel) delete kept["allowed-values"];
  return kept;
}

function definedEntries<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return {};
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as Partial<T>;
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 10).join(", ");
  return names.length > 10 ? `${shown}, … (${names.length} in all)` : shown || "none";
}
