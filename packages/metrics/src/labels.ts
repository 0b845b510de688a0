import { UserError } from "@ctrain/core";

/** A class label as found in predictions: numbers, strings or booleans, one kind per column. */
export type Label = string | number | boolean;

/** Orders labels as numpy sorts them (numbers numerically, strings by code point, false before true). */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === "string" && typeof b === "string") return compareCodePoints(a, b);
  return Number(a) - Number(b);
}

function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** Distinct labels in sorted order; mixing kinds (e.g. "1" and 1) is an error, as in scikit-learn. */
export function sortedUniqueLabels(columns: readonly (readonly Label[])[], where: string): Label[] {
  const seen = new Set<Label>();
  for (const column of columns) for (const label of column) seen.add(label);
  const labels = [...seen];
  checkLabelKinds(labels, where);
  return labels.sort(compareLabels);
}

export function checkLabelKinds(labels: readonly Label[], where: string): void {
  const kinds = new Set(labels.map((label) => typeof label));
  if (kinds.size > 1) {
    throw new UserError(`labels mix ${[...kinds].sort().join(" and ")} values (${labels.slice(0, 6).join(", ")})`, {
      location: where,
      hint: "write every label of a column the same way, e.g. all numbers or all strings",
    });
  }
  const bad = labels.find((label) => typeof label === "number" && !Number.isFinite(label));
  if (bad !== undefined) {
    throw new UserError(`label ${String(bad)} is not a finite number`, {
      location: where,
      hint: "fix or drop that row",
    });
  }
}

/** Maps each label to its position in `classes`; a label outside them is an error that names it and its row. */
export function encodeLabels(
  labels: readonly Label[],
  classes: readonly Label[],
  column: string,
  hint = "declare every class, or fix the label",
): Int32Array {
  const index = new Map<Label, number>(classes.map((label, position) => [label, position]));
  const codes = new Int32Array(labels.length);
  for (let row = 0; row < labels.length; row++) {
    const code = index.get(labels[row]!);
    if (code === undefined) {
      throw new UserError(
        `unknown label ${JSON.stringify(labels[row])} in ${column} at row ${row + 1}; known classes: ${classes.map((c) => JSON.stringify(c)).join(", ")}`,
        { location: column, hint },
      );
    }
    codes[row] = code;
  }
  return codes;
}
