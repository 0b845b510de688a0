import {
  REGEX_SYNTAX_HINT,
  UserError,
  compileLinearRegex,
  regexProblem,
  type CheckResult,
  type ColumnRules,
  type LinearRegex,
  type RecordedValue,
} from "@ctrain/core";
import { CellKind, type RecordBatch } from "@ctrain/readers";
import { NAN_KIND, recordedValue, textOf, type BatchPlace, type CheckedKind } from "./cells.js";
import { hashAsciiBytes, hashString } from "../profile/hash.js";
import { KeyHasher } from "./key-hasher.js";
import { KeyPartitionWriter, tallyRepeat, tallySink, type ShardPlace } from "./key-partitions.js";
import { RepeatFinder, Seen, type RepeatSink } from "./repeat-finder.js";
import type { RepeatJob } from "./repeat-settling.js";
import {
  UnexpectedTally,
  formatCount,
  formatPercent,
  mapResult,
  tableResult,
  type CheckIdentity,
  type Severity,
} from "./results.js";

type RuleType = NonNullable<ColumnRules["type"]>;

/** Which cell kinds each `type:` accepts; `string` takes any CSV text, but only strings among typed values. */
const ACCEPTED_KINDS: Record<RuleType, readonly CheckedKind[]> = {
  integer: [CellKind.Integer],
  float: [CellKind.Integer, CellKind.Float, NAN_KIND],
  number: [CellKind.Integer, CellKind.Float, NAN_KIND],
  boolean: [CellKind.Boolean],
  timestamp: [CellKind.Timestamp],
  string: [CellKind.String, CellKind.Timestamp],
};
const NUMERIC_TYPES: ReadonlySet<RuleType> = new Set(["integer", "float", "number"]);

/** The rules of one column, where they came from (for error locations), and what applies by default. */
export interface ColumnCheckSpec {
  column: string;
  rules: ColumnRules;
  /** The config key of these rules, e.g. `data.datasets.train.columns.age`. */
  key: string;
  mostly: number;
  severity: Severity;
  /** Says where rules came from when they were inferred (e.g. "inferred from the baseline"). */
  origin?: string;
}

/** Exact `allowed-values` matching: text, numbers by value (1 matches "1.0") and booleans by meaning. */
class AllowedValues {
  private readonly strings = new Set<string>();
  private readonly numbers = new Set<number>();
  private readonly booleans = new Set<boolean>();
  /** The ASCII strings in an open-addressing table by `hashString`, to look cells up by their bytes. */
  private readonly asciiSlots: (string | undefined)[];
  private readonly asciiMask: number;

  constructor(values: readonly (string | number | boolean)[]) {
    for (const value of values) {
      if (typeof value === "string") this.strings.add(value);
      else if (typeof value === "number") this.numbers.add(value);
      else this.booleans.add(value);
    }
    const ascii = [...this.strings].filter((s) => [...s].every((char) => char.charCodeAt(0) < 0x80));
    this.asciiMask = 2 ** Math.ceil(Math.log2(2 * ascii.length + 1)) - 1;
    this.asciiSlots = new Array<string | undefined>(this.asciiMask + 1).fill(undefined);
    for (const s of ascii) {
      let slot = hashString(s) & this.asciiMask;
      while (this.asciiSlots[slot] !== undefined) slot = (slot + 1) & this.asciiMask;
      this.asciiSlots[slot] = s;
    }
  }

  matches(value: unknown, kind: CheckedKind, number: number, text: boolean): boolean {
    if (kind === CellKind.Integer || kind === CellKind.Float) {
      if (this.numbers.has(number)) return true;
    } else if (kind === CellKind.Boolean) {
      return this.booleans.has(text ? (value as string).length === 4 : (value as boolean));
    }
    return this.strings.has(textOf(value, text));
  }

  /** `matches` of a CSV cell of ASCII text in bytes[start, end), without making its string. */
  matchesAscii(bytes: Uint8Array, start: number, end: number, kind: CheckedKind, number: number): boolean {
    if (kind === CellKind.Integer || kind === CellKind.Float) {
      if (this.numbers.has(number)) return true;
    } else if (kind === CellKind.Boolean) {
      return this.booleans.has(end - start === 4);
    }
    for (let slot = hashAsciiBytes(bytes, start, end) & this.asciiMask; ; slot = (slot + 1) & this.asciiMask) {
      const candidate = this.asciiSlots[slot];
      if (candidate === undefined) return false;
      if (sameAscii(candidate, bytes, start, end)) return true;
    }
  }
}

function sameAscii(s: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * The cell-by-cell checks of one column (type, nulls, range, non-finite numbers, allowed values, regex, length,
 * uniqueness), evaluated together in one walk over each batch's column. Nulls count toward the null share only;
 * every other check looks at non-null cells, as Great Expectations' column map expectations do.
 */
export class ColumnChecks {
  private rows = 0;
  private nulls = 0;
  private readonly nullTally = new UnexpectedTally();
  private readonly typeTally = new UnexpectedTally();
  private readonly rangeTally = new UnexpectedTally();
  private readonly finiteTally = new UnexpectedTally();
  private readonly setTally = new UnexpectedTally();
  private readonly regexTally = new UnexpectedTally();
  private readonly lengthTally = new UnexpectedTally();
  private readonly uniqueTally = new UnexpectedTally();
  /** 1 for each cell kind `type:` accepts, by kind. */
  private readonly accepted?: Uint8Array;
  /** Whether any check reads the cells' values (text), not only their kinds and numbers. */
  private readonly readsValues: boolean;
  private readonly checkRange: boolean;
  private readonly checkFinite: boolean;
  private readonly min: number;
  private readonly max: number;
  private readonly allowed?: AllowedValues;
  private readonly regex?: LinearRegex;
  private readonly checkLength: boolean;
  private readonly minLength: number;
  private readonly maxLength: number;
  private readonly unique?: RepeatFinder;
  private uniquePartitions?: KeyPartitionWriter;
  private readonly hasher = new KeyHasher();

  /**
   * `partitions`: this is a shard, and a unique column saves its values' partitions in `dir` (`keys/<dataset>`) for
   * the merge, from the first batch that holds the column (a check left to another thread writes nothing).
   */
  constructor(
    readonly spec: ColumnCheckSpec,
    private readonly options: {
      tempDir?: string;
      partitions?: { dir: string; dataset: string; shard: ShardPlace };
    } = {},
  ) {
    const { rules } = spec;
    if (rules.min !== undefined && rules.max !== undefined && rules.min > rules.max) {
      throw new UserError(`min (${rules.min}) is greater than max (${rules.max})`, {
        location: spec.key,
        hint: "swap them, or drop one to leave that side open",
      });
    }
    if (
      rules["min-length"] !== undefined &&
      rules["max-length"] !== undefined &&
      rules["min-length"] > rules["max-length"]
    ) {
      throw new UserError(`min-length (${rules["min-length"]}) is greater than max-length (${rules["max-length"]})`, {
        location: spec.key,
      });
    }
    if (rules.type) {
      this.accepted = new Uint8Array(NAN_KIND + 1);
      for (const kind of ACCEPTED_KINDS[rules.type]) this.accepted[kind] = 1;
    }
    this.checkRange = rules.min !== undefined || rules.max !== undefined;
    this.min = rules.min ?? -Infinity;
    this.max = rules.max ?? Infinity;
    this.checkFinite =
      !rules["allow-nan"] && ((rules.type !== undefined && NUMERIC_TYPES.has(rules.type)) || this.checkRange);
    if (rules["allowed-values"]) this.allowed = new AllowedValues(rules["allowed-values"]);
    if (rules.regex !== undefined) this.regex = compileRegex(rules.regex, `${spec.key}.regex`);
    this.checkLength = rules["min-length"] !== undefined || rules["max-length"] !== undefined;
    this.minLength = rules["min-length"] ?? 0;
    this.maxLength = rules["max-length"] ?? Infinity;
    if (rules.unique) this.unique = new RepeatFinder({ tempDir: options.tempDir });
    this.readsValues = this.allowed !== undefined || this.regex !== undefined || this.checkLength || rules.unique;
  }

  /**
   * One batch's cells of column `col` (-1 when the batch lacks the column: all null). Kinds and numbers come from
   * the batch's classification (read from the input bytes for CSV); cell text is made only for the checks that read it.
   */
  observe(col: number, place: BatchPlace): void {
    const { batch } = place;
    const rows = batch.rows;
    this.rows += rows;
    if (col < 0) {
      this.nulls += rows;
      for (let row = 0; row < rows; row++) this.tally(this.nullTally, place, row, col);
      return;
    }
    // From the first batch that holds the column: until then every thread holds this check, and only the thread that
    // checks the column once it appears may write its partitions.
    const partitions = this.options.partitions;
    if (this.unique && partitions && !this.uniquePartitions) {
      this.uniquePartitions = new KeyPartitionWriter(partitions.dir, {
        ...partitions,
        check: "unique-column",
        columns: [this.spec.column],
      });
    }
    const text = batch.kind === "text";
    const { kinds, numbers } = batch.classifyColumn(col);
    // CSV cells of plain ASCII are checked in their bytes; typed values and other text as values.
    const ranges = batch.kind === "text" && this.readsValues ? batch.cellRanges() : undefined;
    const values = text ? undefined : batch.column(col);
    const accepted = this.accepted;
    for (let row = 0; row < rows; row++) {
      let kind: CheckedKind = kinds[row] as CheckedKind;
      if (kind === CellKind.Null) {
        // A typed NaN is classified null (as pandas counts it); the NaN check tells it apart.
        if (text || !Number.isNaN(values![row])) {
          this.nulls++;
          this.tally(this.nullTally, place, row, col);
          continue;
        }
        kind = NAN_KIND;
      }
      if (accepted && accepted[kind] === 0) this.tally(this.typeTally, place, row, col);
      const x = numbers[row]!;
      if (this.checkFinite || this.checkRange) {
        const numeric = kind === NAN_KIND || kind === CellKind.Integer || kind === CellKind.Float;
        if (this.checkFinite && numeric && !Number.isFinite(x)) this.tally(this.finiteTally, place, row, col);
        if (this.checkRange && (!numeric || x < this.min || x > this.max)) this.tally(this.rangeTally, place, row, col);
      }
      if (!this.readsValues) continue;
      const index = ranges ? row * ranges.width + col : -1;
      if (ranges && ranges.flags[index] === 0) {
        this.checkAscii(ranges.bytes, ranges.starts[index]!, ranges.ends[index]!, kind, x, place, row, col);
        if (this.unique) this.checkUnique(batch.cell(row, col), true, place, row, col);
      } else {
        const value = text ? batch.cell(row, col) : values![row];
        this.checkValue(value, kind, x, text, place, row, col);
        if (this.unique) this.checkUnique(value, text, place, row, col);
      }
    }
  }

  /**
   * The results, once every batch was observed. `files` maps file indexes back to paths for repeats found among
   * spilled values.
   */
  results(files: readonly (string | undefined)[]): CheckResult[] {
    const { spec } = this;
    const { rules, column } = spec;
    const nonNull = this.rows - this.nulls;
    const identity = (check: string): CheckIdentity & { mostly: number } => ({
      check,
      column,
      severity: rules.severity ?? spec.severity,
      mostly: rules.mostly ?? spec.mostly,
    });
    const counts = (tally: UnexpectedTally) => ({ elements: this.rows, nonNull, unexpected: tally });
    const origin = spec.origin ? ` (${spec.origin})` : "";
    const of = (unexpected: number, percent: number) =>
      `${formatCount(unexpected)} of ${formatCount(nonNull)} non-null values (${formatPercent(percent)})`;
    const results: CheckResult[] = [];

    const maxNullShare = rules["max-null-share"];
    if (maxNullShare !== undefined) {
      const share = this.rows === 0 ? 0 : this.nulls / this.rows;
      const { mostly: _mostly, ...nullIdentity } = identity("expect_column_values_to_not_be_null");
      results.push(
        tableResult(nullIdentity, {
          success: share <= maxNullShare,
          mostly: 1 - maxNullShare,
          message: `${column}: ${formatCount(this.nulls)} of ${formatCount(this.rows)} values are null (${formatPercent(100 * share)}); at most ${formatPercent(100 * maxNullShare)} may be${origin}`,
          elements: this.rows,
          unexpected: this.nulls,
          observed: share,
          examples: this.nullTally.examples,
        }),
      );
    }
    if (rules.type) {
      results.push(
        mapResult(identity("expect_column_values_to_be_of_type"), counts(this.typeTally), (n, p) =>
          n === 0
            ? `${column}: every non-null value is of type ${rules.type}${origin}`
            : `${column}: ${of(n, p)} are not of type ${rules.type}${origin}`,
        ),
      );
    }
    if (this.checkRange) {
      const bounds = `[${rules.min ?? "-∞"}, ${rules.max ?? "∞"}]`;
      results.push(
        mapResult(identity("expect_column_values_to_be_between"), counts(this.rangeTally), (n, p) =>
          n === 0
            ? `${column}: every numeric value is within ${bounds}${origin}`
            : `${column}: ${of(n, p)} are outside ${bounds} or not numbers${origin}`,
        ),
      );
    }
    if (this.checkFinite) {
      results.push(
        mapResult(identity("expect_column_values_to_be_finite"), counts(this.finiteTally), (n, p) =>
          n === 0
            ? `${column}: no NaN or infinite values`
            : `${column}: ${of(n, p)} are NaN or infinite (set allow-nan: true to accept them)`,
        ),
      );
    }
    if (this.allowed) {
      const listed = rules["allowed-values"]!;
      const shown =
        listed.length <= 10
          ? listed.map((value) => JSON.stringify(value)).join(", ")
          : `${listed.length} allowed values`;
      results.push(
        mapResult(identity("expect_column_values_to_be_in_set"), counts(this.setTally), (n, p) =>
          n === 0
            ? `${column}: every value is one of ${shown}${origin}`
            : `${column}: ${of(n, p)} are not one of ${shown}${origin}`,
        ),
      );
    }
    if (this.regex) {
      results.push(
        mapResult(identity("expect_column_values_to_match_regex"), counts(this.regexTally), (n, p) =>
          n === 0
            ? `${column}: every value matches /${rules.regex}/`
            : `${column}: ${of(n, p)} do not match /${rules.regex}/`,
        ),
      );
    }
    if (this.checkLength) {
      const bounds = `[${rules["min-length"] ?? 0}, ${rules["max-length"] ?? "∞"}] characters`;
      results.push(
        mapResult(identity("expect_column_value_lengths_to_be_between"), counts(this.lengthTally), (n, p) =>
          n === 0 ? `${column}: every value is ${bounds} long` : `${column}: ${of(n, p)} are not ${bounds} long`,
        ),
      );
    }
    if (this.unique) {
      this.unique.finish(this.uniqueSink(files).found);
      this.uniquePartitions?.finish({ files, rows: this.rows, counted: nonNull, repeats: this.uniqueTally.count });
      const { severity, mostly } = identity("expect_column_values_to_be_unique");
      results.push(uniqueColumnResult({ column, severity, mostly }, this.rows, nonNull, this.uniqueTally));
    }
    return results;
  }

  /** The unique column's finder, whose spilled keys `results` would settle, to settle them before (`settleRepeats`). */
  repeatJobs(files: readonly (string | undefined)[]): RepeatJob[] {
    return this.unique ? [{ finder: this.unique, sink: this.uniqueSink(files) }] : [];
  }

  private uniqueSink(files: readonly (string | undefined)[]): RepeatSink {
    return tallySink(this.uniqueTally, this.uniquePartitions, files, (first) => `repeats ${first}`);
  }

  /** Removes temporary files after a failed read. */
  dispose(): void {
    this.unique?.dispose();
    this.uniquePartitions?.dispose();
  }

  /** Allowed values, regex and lengths of a value (typed, or CSV text that is not plain ASCII). */
  private checkValue(
    value: unknown,
    kind: CheckedKind,
    x: number,
    text: boolean,
    place: BatchPlace,
    row: number,
    col: number,
  ): void {
    if (this.allowed && !this.allowed.matches(value, kind, x, text)) this.tally(this.setTally, place, row, col);
    if (this.regex || this.checkLength) {
      const shown = textOf(value, text);
      if (this.regex && !this.regex.test(shown)) this.tally(this.regexTally, place, row, col);
      if (this.checkLength) {
        const length = codePointLength(shown);
        if (length < this.minLength || length > this.maxLength) this.tally(this.lengthTally, place, row, col);
      }
    }
  }

  /** `checkValue` of a CSV cell of ASCII text in bytes[start, end): a code point per byte. */
  private checkAscii(
    bytes: Uint8Array,
    start: number,
    end: number,
    kind: CheckedKind,
    x: number,
    place: BatchPlace,
    row: number,
    col: number,
  ): void {
    if (this.allowed && !this.allowed.matchesAscii(bytes, start, end, kind, x)) {
      this.tally(this.setTally, place, row, col);
    }
    if (this.regex && !this.regex.testAscii(bytes, start, end)) this.tally(this.regexTally, place, row, col);
    if (this.checkLength && (end - start < this.minLength || end - start > this.maxLength)) {
      this.tally(this.lengthTally, place, row, col);
    }
  }

  private checkUnique(value: unknown, text: boolean, place: BatchPlace, row: number, col: number): void {
    const hasher = this.hasher.reset();
    if (text) hasher.addString(value as string);
    else hasher.addValue(value);
    hasher.finish();
    const line = place.batch.lineOf(row);
    if (this.unique!.add(hasher.hi, hasher.lo, 0, place.fileIndex, line) !== Seen.New) {
      if (this.uniqueTally.wantsExample())
        tallyRepeat(this.uniqueTally, this.uniquePartitions, cellValue(place.batch, row, col), place, line);
      else this.uniqueTally.count++;
    } else if (this.uniquePartitions) {
      this.uniquePartitions.add(hasher.hi, hasher.lo, place.fileIndex, line);
    }
  }

  /** Counts an unexpected cell; the cell's value is read only while examples are still wanted. */
  private tally(tally: UnexpectedTally, place: BatchPlace, row: number, col: number): void {
    if (!tally.wantsExample()) {
      tally.count++;
      return;
    }
    tally.add(col < 0 ? null : cellValue(place.batch, row, col), place.file, place.batch.lineOf(row));
  }
}

/** A cell as examples show it (empty text is null). */
export function cellValue(batch: RecordBatch, row: number, col: number): RecordedValue {
  const value = recordedValue(batch.cell(row, col), batch.kind === "text");
  return value === "" ? null : value;
}

/** A unique column's result: `tally` holds the non-null values that repeat an earlier value. */
export function uniqueColumnResult(
  identity: { column: string; severity: Severity; mostly: number },
  rows: number,
  nonNull: number,
  tally: UnexpectedTally,
): CheckResult {
  const { column } = identity;
  return mapResult(
    { check: "expect_column_values_to_be_unique", ...identity },
    { elements: rows, nonNull, unexpected: tally },
    (n, p) =>
      n === 0
        ? `${column}: every non-null value is unique`
        : `${column}: ${formatCount(n)} of ${formatCount(nonNull)} non-null values (${formatPercent(p)}) repeat an earlier value (unique: true)`,
  );
}

/** Regexes search anywhere in the value (Python's `re.search`, as Great Expectations uses), in linear time. */
function compileRegex(pattern: string, key: string): LinearRegex {
  const problem = regexProblem(pattern);
  if (problem) {
    throw new UserError(`invalid regular expression /${pattern}/: ${problem}`, {
      location: key,
      hint: REGEX_SYNTAX_HINT,
    });
  }
  return compileLinearRegex(pattern);
}

/** Length in Unicode code points, as Python's len() counts a str. */
function codePointLength(s: string): number {
  let length = s.length;
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}
