import { BASELINE_ZERO } from "./gates.js";
import {
  formatMetricValue,
  isNonFinite,
  numberOf,
  sameMetricValue,
  type MetricMap,
  type MetricValue,
} from "./metric-value.js";

/** One key of a metrics or params diff; deltas are null where DVC prints `-` (missing or not a number). */
export interface DiffRow {
  readonly key: string;
  readonly old: MetricValue | undefined;
  readonly new: MetricValue | undefined;
  readonly delta: number | null;
  readonly relativeDelta: number | null;
  /** False when both sides hold the same value: tables hide these rows unless asked for all. */
  readonly changed: boolean;
}

/**
 * Every key of either side, the new side's order first, then keys only the old side has. Works for
 * params too: flatten them with flattenMetrics first.
 */
export function diffMetrics(oldMetrics: MetricMap | undefined, newMetrics: MetricMap | undefined): DiffRow[] {
  const before = oldMetrics ?? {};
  const after = newMetrics ?? {};
  const keys = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  return keys.map((key) => {
    const old = Object.hasOwn(before, key) ? before[key] : undefined;
    const current = Object.hasOwn(after, key) ? after[key] : undefined;
    const a = numberOf(old);
    const b = numberOf(current);
    const delta = a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) ? b - a : null;
    const relativeDelta = delta !== null && Math.abs(a!) >= BASELINE_ZERO ? delta / Math.abs(a!) : null;
    return { key, old, new: current, delta, relativeDelta, changed: !sameMetricValue(old, current) };
  });
}

type DvcValue = number | string | boolean | null;

/** `dvc metrics diff --json`: {path: {key: {old, new, diff}}}; NaN and ±Infinity as strings, missing as null. */
export function dvcDiffJson(
  diffs: Readonly<Record<string, readonly DiffRow[]>>,
  options: { readonly all?: boolean } = {},
): Record<string, Record<string, { old: DvcValue; new: DvcValue; diff: number | null }>> {
  const json = (value: MetricValue | undefined): DvcValue =>
    value === undefined ? null : isNonFinite(value) ? value.nonFinite : value;
  const out: Record<string, Record<string, { old: DvcValue; new: DvcValue; diff: number | null }>> = {};
  for (const [path, rows] of Object.entries(diffs)) {
    const shown = rows.filter((row) => options.all || row.changed);
    if (shown.length === 0) continue;
    out[path] = Object.fromEntries(
      shown.map((row) => [row.key, { old: json(row.old), new: json(row.new), diff: row.delta }]),
    );
  }
  return out;
}

export interface DiffTableOptions {
  /** Column titles for the two sides, e.g. the base commit and "workspace". */
  readonly oldLabel?: string;
  readonly newLabel?: string;
  /** Show unchanged rows too (DVC's --all). */
  readonly all?: boolean;
  /** Digits after the decimal point (DVC's --precision, default 5). */
  readonly precision?: number;
}

/** The table of `dvc metrics diff --md`: Path | Metric | old | new | Change, `-` where there is no number. */
export function diffMarkdownTable(
  diffs: Readonly<Record<string, readonly DiffRow[]>>,
  options: DiffTableOptions = {},
): string {
  const precision = options.precision ?? 5;
  const number = (value: number): string => String(Number(value.toFixed(precision)));
  const cell = (value: MetricValue | undefined): string => {
    if (value === undefined) return "-";
    return typeof value === "number" ? number(value) : escapeCell(formatMetricValue(value));
  };
  const lines = [
    `| Path | Metric | ${escapeCell(options.oldLabel ?? "old")} | ${escapeCell(options.newLabel ?? "new")} | Change |`,
    "|---|---|---|---|---|",
  ];
  for (const [path, rows] of Object.entries(diffs)) {
    for (const row of rows) {
      if (!options.all && !row.changed) continue;
      lines.push(
        `| ${escapeCell(path)} | ${escapeCell(row.key)} | ${cell(row.old)} | ${cell(row.new)} | ${row.delta === null ? "-" : number(row.delta)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Keys and values come from users' files: keep them from breaking the table or injecting HTML. */
function escapeCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\r\n]+/g, " ");
}
