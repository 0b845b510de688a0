import { compareLabels } from "./labels.js";
import type { SliceColumn, Slicing } from "./predictions.js";

/**
 * Slice keys: `slice:<column>=<value>/<metric>` for one column, `slice:<a>=<x>,<b>=<y>/<metric>` for crossed columns
 * (in the order the config lists them), so a gate's `*` matches any value (`slice:country=*,plan=pro/accuracy`).
 * Over the slices big enough to gate, `slice-worst:<grouping>/<metric>` is the worst slice's value and
 * `slice-gap:<grouping>/<metric>` the best minus the worst (>= 0, lower is fairer); a grouping is its columns joined
 * by "," (`slice-gap:country,plan/accuracy`). Values are written as found: a value holding "," or "=" makes a
 * crossed key ambiguous to read, though never to match.
 */
export const DEFAULT_MIN_SLICE_ROWS = 30;

/** Metrics that count rows rather than measure the model: never a worst slice or a gap. */
const COUNTS = new Set(["example_count", "query_count"]);

/** Losses and errors: lower is better, so their worst slice is the highest. Every other metric: higher is better. */
const LOWER_IS_BETTER =
  /^(log_loss|brier_score|expected_calibration_error|mse|rmse|mae|mape|median_absolute_error|hamming_loss|pinball_loss(@.+)?)$/;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

export interface SliceEvaluation {
  /** The slice's columns joined by ",": `plan`, `country,plan`. */
  readonly grouping: string;
  /** `plan=pro`, `country=de,plan=pro`: the part of the metric keys between `slice:` and the last `/`. */
  readonly key: string;
  readonly values: Readonly<Record<string, string>>;
  readonly rows: number;
  /** False for a slice smaller than the minimum: its metrics are reported here but not gated. */
  readonly gated: boolean;
  /** Why a slice is not gated. */
  readonly reason?: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface SlicedMetrics {
  /** Gateable keys: every gated slice's metrics, and each grouping's worst slice and gap. */
  readonly metrics: Record<string, number>;
  /** Every slice, gated or not, grouping by grouping, in sorted value order. */
  readonly slices: SliceEvaluation[];
  readonly notes: string[];
}

export function sliceMetricKey(sliceKey: string, metric: string): string {
  return `slice:${sliceKey}/${metric}`;
}

/**
 * Evaluates `metricsOf` on the rows of every slice. A slice below `minRows` rows is reported but kept out of the
 * gateable keys, and out of the worst slice and the gap, so one tiny slice cannot decide a gate by its noise.
 */
export function evaluateSlices(
  slicing: Slicing | undefined,
  minRows: number,
  metricsOf: (rows: number[], sliceKey: string) => Record<string, number>,
): SlicedMetrics {
  const result: SlicedMetrics = { metrics: {}, slices: [], notes: [] };
  if (!slicing) return result;
  for (const grouping of slicing.groupings) {
    const columns = grouping.map((name) => slicing.columns.find((column) => column.column === name));
    const missing = grouping.filter((_, k) => !columns[k]);
    if (missing.length) {
      result.notes.push(`no slices by ${grouping.join(",")}: the predictions have no column ${missing.join(", ")}`);
      continue;
    }
    const groupingName = grouping.join(",");
    const slices = groupRows(columns as SliceColumn[]).map(({ values, rows }): SliceEvaluation => {
      const key = grouping.map((column, k) => `${column}=${values[k]}`).join(",");
      const gated = rows.length >= minRows;
      return {
        grouping: groupingName,
        key,
        values: Object.fromEntries(grouping.map((column, k) => [column, values[k]!])),
        rows: rows.length,
        gated,
        ...(gated ? {} : { reason: `${rows.length} rows, fewer than min-slice-rows ${minRows}: reported, not gated` }),
        metrics: metricsOf(rows, key),
      };
    });
    result.slices.push(...slices);
    const gatedSlices = slices.filter((slice) => slice.gated);
    for (const slice of gatedSlices)
      for (const [metric, value] of Object.entries(slice.metrics))
        result.metrics[sliceMetricKey(slice.key, metric)] = value;
    const small = slices.length - gatedSlices.length;
    if (small) {
      result.notes.push(
        `${small} of ${slices.length} slices by ${groupingName} have fewer than ${minRows} rows: reported, not gated`,
      );
    }
    Object.assign(result.metrics, worstAndGap(groupingName, gatedSlices));
  }
  return result;
}

/** `slice-worst:` and `slice-gap:` of every metric defined in at least one (worst) or two (gap) gated slices. */
function worstAndGap(grouping: string, slices: readonly SliceEvaluation[]): Record<string, number> {
  const out: Record<string, number> = {};
  const names = new Set(slices.flatMap((slice) => Object.keys(slice.metrics)));
  for (const metric of names) {
    if (COUNTS.has(metric)) continue;
    const values = slices.map((slice) => slice.metrics[metric]).filter((v): v is number => Number.isFinite(v));
    if (values.length === 0) continue;
    const low = Math.min(...values);
    const high = Math.max(...values);
    out[`slice-worst:${grouping}/${metric}`] = lowerIsBetter(metric) ? high : low;
    if (values.length >= 2) out[`slice-gap:${grouping}/${metric}`] = high - low;
  }
  return out;
}

/** Rows by their tuple of slice values (as text; an empty cell is "null"), tuples in sorted order. */
function groupRows(columns: readonly SliceColumn[]): { values: string[]; rows: number[] }[] {
  const groups = new Map<string, { values: string[]; rows: number[] }>();
  const rowCount = columns[0]!.values.length;
  for (let row = 0; row < rowCount; row++) {
    const values = columns.map((column) => String(column.values[row]));
    const id = JSON.stringify(values);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { values, rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()].sort((a, b) => {
    for (let k = 0; k < a.values.length; k++) {
      const order = compareLabels(a.values[k]!, b.values[k]!);
      if (order !== 0) return order;
    }
    return 0;
  });
}

/** The slicing of predictions that name only their first slice column (built in code rather than read). */
export function slicingOf(predictions: { slice?: SliceColumn; slicing?: Slicing }): Slicing | undefined {
  if (predictions.slicing) return predictions.slicing;
  return predictions.slice && { columns: [predictions.slice], groupings: [[predictions.slice.column]] };
}
