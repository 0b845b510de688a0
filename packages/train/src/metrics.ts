import { existsSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { RUN_METRICS_MAX, UserError, type RecordedValue } from "@ctrain/core";
import { readRecords } from "@ctrain/readers";
import { checkMetricFileSize, flattenMetrics, numericCell, readMetricFile, type MetricMap } from "@ctrain/metrics";
import { findOutputs, type OutputContext } from "./outputs.js";
import { recordedValue } from "./params.js";

export interface CollectedMetrics {
  metrics: Record<string, RecordedValue>;
  /** Absolute paths of the files read. */
  files: string[];
}

/** Read when `train.metrics` is not set and the command wrote one of them into CTRAIN_OUTPUT_DIR. */
export const DEFAULT_METRIC_FILES = ["metrics.json", "metrics.yaml", "metrics.yml"];
const KEY_MAX_CHARS = 500;

/**
 * Metrics from the files the command wrote, flattened the DVC way; NaN, ±Infinity, strings and booleans are kept
 * as written. A key found in two files is an error rather than a silent pick of one.
 */
export async function collectMetrics(
  patterns: readonly string[] | undefined,
  outputDir: string,
  context: OutputContext,
): Promise<CollectedMetrics> {
  const files = patterns
    ? await findOutputs("train.metrics", patterns, context, { freshOnly: true })
    : DEFAULT_METRIC_FILES.map((name) => join(outputDir, name)).filter((path) => existsSync(path));
  const metrics: Record<string, RecordedValue> = {};
  const origin = new Map<string, string>();
  for (const file of files) {
    const label = relative(context.workingDirectory, file);
    for (const [key, value] of Object.entries(await readMetrics(file))) {
      if (key.length > KEY_MAX_CHARS) {
        throw new UserError(`metric name ${key.slice(0, 60)}... is longer than ${KEY_MAX_CHARS} characters`, {
          location: label,
          hint: "shorten the metric's name or nesting",
        });
      }
      const earlier = origin.get(key);
      if (earlier !== undefined) {
        throw new UserError(`metric ${key} is in both ${earlier} and ${label}`, {
          location: label,
          hint: "give the metrics distinct names, or nest each file's metrics under its own key",
        });
      }
      origin.set(key, label);
      if (origin.size > RUN_METRICS_MAX) {
        throw new UserError(`more than ${RUN_METRICS_MAX} metrics in all`, {
          location: label,
          hint: "write summary metrics here; per-example values belong in the predictions file, per-step ones in curves",
        });
      }
      metrics[key] = recordedValue(value);
    }
  }
  return { metrics, files };
}

/**
 * JSON/YAML through the metrics package's reader; CSV/TSV (a header row) through the readers package's: one row gives
 * `column` keys, several give `<row>.<column>` (as a list of rows flattens), numbers and NaN/inf parsed, other text kept.
 */
async function readMetrics(file: string): Promise<MetricMap> {
  const extension = extname(file).toLowerCase();
  if (extension !== ".csv" && extension !== ".tsv") return (await readMetricFile(file)).metrics;
  await checkMetricFileSize(file);
  const rows: Record<string, unknown>[] = [];
  for await (const record of readRecords(file)) {
    rows.push(
      Object.fromEntries(
        Object.entries(record.values).map(([column, cell]) => [
          column,
          numericCell(cell) ?? (cell === "" ? null : cell),
        ]),
      ),
    );
  }
  return flattenMetrics(rows.length === 1 ? rows[0] : rows, "", file);
}
