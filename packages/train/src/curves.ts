import { createReadStream } from "node:fs";
import { extname } from "node:path";
import { createInterface } from "node:readline";
import { UserError, parseJsonText } from "@ctrain/core";
import { readRecords } from "@ctrain/readers";
import { flattenMetrics, numberOf, numericCell } from "@ctrain/metrics";
import { workspacePath } from "./file-patterns.js";
import { findOutputs, type OutputContext } from "./outputs.js";

export interface CurvePoint {
  step: number;
  value: number;
}

export interface Curve {
  metric: string;
  /** Workspace-relative. */
  file: string;
  points: CurvePoint[];
}

/** The column that holds the x axis, first found wins; without one, the row number (from 0) is the step, as in DVC plots. */
export const STEP_COLUMNS = ["step", "epoch", "iteration", "iter", "global_step"];
/** run.json limits. */
export const CURVES_MAX = 100;
export const CURVE_POINTS_MAX = 100_000;

type Row = Record<string, unknown>;

/**
 * Learning curves from CSV/TSV (header row) or JSON Lines files: each numeric column other than the step is one
 * curve. Empty cells are gaps, not points (metrics logged at different rates leave them). run.json holds finite
 * points only, so NaN/Infinity points are left out and counted in the log.
 */
export async function collectCurves(
  patterns: readonly string[],
  root: string,
  context: OutputContext,
  log: (line: string) => void,
): Promise<Curve[]> {
  const files = await findOutputs("train.curves", patterns, context, { freshOnly: true });
  const curves: Curve[] = [];
  for (const file of files) {
    const recorded = workspacePath(root, file, "curve file");
    const byMetric = new Map<string, CurvePoint[]>();
    let stepColumn: string | undefined;
    let row = 0;
    let nonFinite = 0;
    for await (const values of readCurveRows(file, context.workingDirectory)) {
      stepColumn ??= STEP_COLUMNS.find((name) => name in values) ?? "";
      const step = stepColumn ? numericCell(values[stepColumn]) : row;
      row++;
      if (step === undefined || !Number.isFinite(step)) continue;
      for (const [metric, cell] of Object.entries(values)) {
        if (metric === stepColumn) continue;
        const value = numericCell(cell);
        if (value === undefined) continue;
        if (!Number.isFinite(value)) {
          nonFinite++;
          continue;
        }
        let points = byMetric.get(metric);
        if (!points) byMetric.set(metric, (points = []));
        points.push({ step, value });
      }
    }
    if (nonFinite > 0) log(`${recorded}: ${nonFinite} NaN/Infinity point(s) left out of the recorded curves`);
    for (const [metric, points] of byMetric) {
      curves.push({ metric, file: recorded, points: thin(points, CURVE_POINTS_MAX) });
      if (points.length > CURVE_POINTS_MAX)
        log(`${recorded}: ${metric} thinned from ${points.length} to ${CURVE_POINTS_MAX} points`);
    }
  }
  if (curves.length > CURVES_MAX) {
    log(`${curves.length} curves found; run.json keeps the first ${CURVES_MAX}`);
    return curves.slice(0, CURVES_MAX);
  }
  return curves;
}

async function* readCurveRows(file: string, cwd: string): AsyncGenerator<Row> {
  const extension = extname(file).toLowerCase();
  if (extension === ".jsonl" || extension === ".ndjson") {
    yield* readJsonLinesRows(file);
  } else if (extension === ".csv" || extension === ".tsv") {
    for await (const record of readRecords(file, { cwd })) yield record.values;
  } else {
    throw new UserError(`cannot read learning curves from a ${extension || "extensionless"} file`, {
      location: file,
      hint: 'write curves as CSV/TSV with a header row (step,loss,...) or as JSON Lines ({"step": 1, "loss": 0.5})',
    });
  }
}

/**
 * JSON Lines as Python's json module writes them (bare NaN/Infinity included), nested keys flattened; each line
 * is read with the nesting and key limits of any parsed file, errors at file:line:column.
 */
async function* readJsonLinesRows(file: string): AsyncGenerator<Row> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === "") continue;
    const value = parseJsonText(line, { label: file, line: number, nonFinite: true });
    const metrics = flattenMetrics(value, "", `${file}:${number}`);
    yield Object.fromEntries(Object.entries(metrics).map(([key, value]) => [key, numberOf(value) ?? value]));
  }
}

/** Every k-th point, always keeping the last one, so a long run still fits run.json and a chart. */
export function thin(points: CurvePoint[], max: number): CurvePoint[] {
  if (points.length <= max) return points;
  const stride = Math.ceil(points.length / max);
  const kept = points.filter((_, index) => index % stride === 0);
  const last = points.at(-1)!;
  if (kept.at(-1) !== last) {
    if (kept.length < max) kept.push(last);
    else kept[kept.length - 1] = last;
  }
  return kept;
}
