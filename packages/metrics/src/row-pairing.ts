import { UserError } from "@ctrain/core";
import type { Label } from "./labels.js";
import type { KeyColumn, SliceColumn } from "./predictions.js";

/** How the baseline's rows were matched with the candidate's, and which example each paired row is. */
export interface RowPairing {
  /** `key`: rows with the same key value (rows only one run scored are left out); `position`: row i with row i. */
  readonly by: "key" | "position";
  /** The key column, when paired by key. */
  readonly keyColumn?: string;
  /** Rows both runs scored. */
  readonly paired: number;
  /** Rows of the baseline whose key the candidate did not score. */
  readonly baselineOnly: number;
  /** Rows of the candidate whose key the baseline did not score. */
  readonly candidateOnly: number;
  /** Per paired row: its key, or its 1-based row number when paired by position. */
  readonly keys: readonly (string | number)[];
  /** Per paired row: its slice value (the candidate's, else the baseline's) when a slice column is named. */
  readonly slice?: SliceColumn;
  /** Why rows were paired by position although one side has a key column. */
  readonly note?: string;
}

/** The pairing in a sentence for the comparison's notes, when there is something to say beyond "row by row". */
export function describePairing(pairing: RowPairing): string | undefined {
  if (pairing.by === "position") return pairing.note;
  const unmatched = [
    pairing.baselineOnly ? `${pairing.baselineOnly} scored only by the baseline` : "",
    pairing.candidateOnly ? `${pairing.candidateOnly} only by the candidate` : "",
  ].filter(Boolean);
  return `rows paired by "${pairing.keyColumn}": ${pairing.paired}${unmatched.length ? ` (left out: ${unmatched.join(", ")})` : ""}`;
}

/** What pairing needs of one side's predictions. */
export interface PairingSide {
  readonly yTrue: ArrayLike<Label>;
  readonly key?: KeyColumn;
  readonly slice?: SliceColumn;
  readonly source?: string;
}

export interface RowAlignment {
  /** Rows of each side, in paired order: baselineRows[i] and candidateRows[i] are one example. */
  readonly baselineRows: number[];
  readonly candidateRows: number[];
  readonly pairing: RowPairing;
}

const ROLES = { baseline: "the baseline", candidate: "the candidate" } as const;
type Role = keyof typeof ROLES;

/**
 * Matches the baseline's rows with the candidate's: by the key column when both sides have it (an inner join, sorted
 * by key so that neither file's row order matters), else by position. Either way every pair must have the same
 * y_true, or the two runs did not score the same data. Each side's columns are checked for equal lengths before.
 */
export function alignRows(baseline: PairingSide, candidate: PairingSide): RowAlignment {
  const alignment =
    baseline.key && candidate.key && baseline.key.column === candidate.key.column
      ? alignByKey(baseline, candidate)
      : alignByPosition(baseline, candidate);
  checkSameTruth(baseline, candidate, alignment);
  return alignment;
}

function alignByPosition(baseline: PairingSide, candidate: PairingSide): RowAlignment {
  const rows = baseline.yTrue.length;
  const keyed = baseline.key ?? candidate.key;
  if (rows !== candidate.yTrue.length) {
    throw new UserError(
      `not the same test set: the baseline has ${rows} rows, the candidate ${candidate.yTrue.length}, and ${keyed ? `only ${ROLES[baseline.key ? "baseline" : "candidate"]} has the key column "${keyed.column}"` : "neither has a key column"} to pair them by`,
      {
        location: `${sourceOf(baseline, "baseline")} vs ${sourceOf(candidate, "candidate")}`,
        hint: "write a column that names each row (id, or set compare.predictions.key) in both runs' predictions, or predictions for the same rows in the same order",
      },
    );
  }
  const order = Array.from({ length: rows }, (_, row) => row);
  return {
    baselineRows: order,
    candidateRows: order,
    pairing: {
      by: "position",
      paired: rows,
      baselineOnly: 0,
      candidateOnly: 0,
      keys: order.map((row) => row + 1),
      slice: pairedSlice(baseline, candidate, order, order),
      note: keyed
        ? `rows paired by position: ${ROLES[baseline.key ? "candidate" : "baseline"]} has no key column "${keyed.column}"`
        : undefined,
    },
  };
}

function alignByKey(baseline: PairingSide, candidate: PairingSide): RowAlignment {
  const column = candidate.key!.column;
  const baselineIndex = indexByKey(baseline, "baseline");
  const candidateIndex = indexByKey(candidate, "candidate");
  const keys = [...candidateIndex.keys()].filter((key) => baselineIndex.has(key)).sort(compareKeys);
  if (keys.length === 0) {
    throw new UserError(
      `not the same test set: no "${column}" value of the baseline's ${baselineIndex.size} rows is among the candidate's ${candidateIndex.size}`,
      {
        location: `${sourceOf(baseline, "baseline")} vs ${sourceOf(candidate, "candidate")}`,
        hint: `both runs must score the same test rows, named by the same "${column}" values`,
      },
    );
  }
  const baselineRows = keys.map((key) => baselineIndex.get(key)!);
  const candidateRows = keys.map((key) => candidateIndex.get(key)!);
  return {
    baselineRows,
    candidateRows,
    pairing: {
      by: "key",
      keyColumn: column,
      paired: keys.length,
      baselineOnly: baselineIndex.size - keys.length,
      candidateOnly: candidateIndex.size - keys.length,
      keys,
      slice: pairedSlice(baseline, candidate, baselineRows, candidateRows),
    },
  };
}

/** Each key's row; an empty or repeated key makes the pairing ambiguous, so it is an error naming its line. */
function indexByKey(side: PairingSide, role: Role): Map<string, number> {
  const key = side.key!;
  const index = new Map<string, number>();
  key.values.forEach((value, row) => {
    if (value === null) {
      throw new UserError(`the key column "${key.column}" is empty at ${lineOf(side, role, row)}`, {
        location: locationOf(side, role, row),
        hint: "every row needs a key value that names it; fill it in or drop the row",
      });
    }
    const first = index.get(value);
    if (first !== undefined) {
      throw new UserError(
        `the key ${JSON.stringify(value)} of column "${key.column}" appears twice in ${ROLES[role]}'s predictions: at ${lineOf(side, role, first)} and ${lineOf(side, role, row)}`,
        {
          location: locationOf(side, role, row),
          hint: `each row needs its own "${key.column}" value; drop the repeated rows, or name a column that identifies rows in compare.predictions.key`,
        },
      );
    }
    index.set(value, row);
  });
  return index;
}

function checkSameTruth(baseline: PairingSide, candidate: PairingSide, alignment: RowAlignment): void {
  const { baselineRows, candidateRows, pairing } = alignment;
  const differing = baselineRows.findIndex((row, i) => baseline.yTrue[row] !== candidate.yTrue[candidateRows[i]!]);
  if (differing < 0) return;
  const baselineRow = baselineRows[differing]!;
  const candidateRow = candidateRows[differing]!;
  const values = `${JSON.stringify(baseline.yTrue[baselineRow])} vs ${JSON.stringify(candidate.yTrue[candidateRow])}`;
  if (pairing.by === "position") {
    throw new UserError(`not the same test set: y_true differs at row ${differing + 1} (${values})`, {
      location: `${sourceOf(baseline, "baseline")} vs ${sourceOf(candidate, "candidate")}`,
      hint: "write predictions for the same test rows, in the same order, for both models, or add a key column (id) to pair them by",
    });
  }
  throw new UserError(
    `not the same test set: y_true of the row keyed ${JSON.stringify(pairing.keys[differing])} differs (${values}, at ${lineOf(baseline, "baseline", baselineRow)} and ${lineOf(candidate, "candidate", candidateRow)})`,
    {
      location: `${locationOf(baseline, "baseline", baselineRow)} vs ${locationOf(candidate, "candidate", candidateRow)}`,
      hint: "the two runs scored different data under the same keys; evaluate both models on the same test set",
    },
  );
}

/** The slice of each paired row: the candidate names slices as of the change (a new slice column counts). */
function pairedSlice(
  baseline: PairingSide,
  candidate: PairingSide,
  baselineRows: readonly number[],
  candidateRows: readonly number[],
): SliceColumn | undefined {
  const [slice, rows] = candidate.slice ? [candidate.slice, candidateRows] : [baseline.slice, baselineRows];
  return slice && { column: slice.column, values: rows.map((row) => slice.values[row]!) };
}

/** Keys that read as numbers sort by value, before any other; the rest by UTF-16 code units. */
function compareKeys(a: string, b: string): number {
  const left = numericKey(a);
  const right = numericKey(b);
  if (left !== undefined && right !== undefined && left !== right) return left - right;
  if ((left === undefined) !== (right === undefined)) return left === undefined ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function numericKey(key: string): number | undefined {
  return /^-?\d+(\.\d+)?$/.test(key) ? Number(key) : undefined;
}

function sourceOf(side: PairingSide, role: Role): string {
  return side.source ?? `${role} predictions`;
}

/** "preds.csv line 12" in a message; row numbers when the rows did not come from a file. */
function lineOf(side: PairingSide, role: Role, row: number): string {
  const line = side.key?.lines?.[row];
  return line === undefined ? `${sourceOf(side, role)} row ${row + 1}` : `${sourceOf(side, role)} line ${line}`;
}

function locationOf(side: PairingSide, role: Role, row: number): string {
  const line = side.key?.lines?.[row];
  return line === undefined ? sourceOf(side, role) : `${sourceOf(side, role)}:${line}`;
}
