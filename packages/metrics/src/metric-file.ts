import { stat } from "node:fs/promises";
import { extname } from "node:path";
import {
  METRIC_FILE_MAX_BYTES,
  RUN_METRICS_MAX,
  UserError,
  YAML_FILE_MAX_BYTES,
  describeFileKind,
  parseJsonText,
  parseYamlText,
  readTextFile,
} from "@ctrain/core";
import type { ScalarTag } from "yaml";
import { flattenMetrics } from "./flatten.js";
import type { MetricMap } from "./metric-value.js";
import { readMetricTable, type MetricTable } from "./metric-table.js";

export type MetricFileFormat = "json" | "yaml";

export interface MetricFile {
  readonly path: string;
  readonly format: MetricFileFormat;
  /** Flattened keys (`a.b.c`, `a.0`) in file order. */
  readonly metrics: MetricMap;
}

/** Python's json module writes NaN, Infinity and -Infinity bare; such files are common, so both parsers accept them. */
const pythonNonFinite: ScalarTag = {
  identify: (value) => typeof value === "number" && !Number.isFinite(value),
  default: true,
  tag: "tag:yaml.org,2002:float",
  test: /^(?:NaN|-?Infinity)$/,
  resolve: (source) => Number(source),
};

export function metricFileFormat(path: string): MetricFileFormat {
  const extension = extname(path).toLowerCase();
  if (extension === ".json") return "json";
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".csv" || extension === ".tsv") {
    throw new UserError(`a ${extension} metric file is a table, not text to parse`, {
      location: path,
      hint: "read it with readMetricFile",
    });
  }
  throw new UserError(`unsupported metric file type "${extension || "(none)"}"`, {
    location: path,
    hint: "use .json, .yaml, .yml, .csv or .tsv",
  });
}

/**
 * Parses a JSON or YAML metric file. JSON is read in one linear pass (JSON.parse behind a scan that refuses
 * duplicate and reserved keys and deep nesting at line:column, and reads Python's bare NaN/Infinity), so a
 * million keys take a second, not minutes; YAML goes through the yaml package with the same limits.
 */
export function parseMetricText(
  text: string,
  path: string,
  format: MetricFileFormat = metricFileFormat(path),
): MetricFile {
  const hint = `fix the ${format.toUpperCase()} at that position; metric files hold a mapping of names to values`;
  const root: unknown =
    format === "json"
      ? parseJsonText(text, { label: path, nonFinite: true, hint })
      : parseYamlText(text, {
          label: path,
          hint,
          schema: "core",
          customTags: (tags) => [pythonNonFinite, ...tags],
        }).value;
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    const found = root === null ? "null" : Array.isArray(root) ? "a list" : typeof root;
    throw new UserError(`expected a mapping of metric names to values, found ${found}`, {
      location: path,
      hint: 'write metrics as an object, e.g. {"accuracy": 0.93}',
    });
  }
  const metrics = flattenMetrics(root, "", path);
  const count = Object.keys(metrics).length;
  if (count > RUN_METRICS_MAX) {
    throw new UserError(`the file holds ${count} metrics, more than the ${RUN_METRICS_MAX} a run records`, {
      location: path,
      hint: "write summary metrics here; per-example values belong in the predictions file, per-step ones in curves",
    });
  }
  return { path, format, metrics };
}

/** Reads a metric file by its extension: JSON, YAML, or CSV/TSV with a header (see readMetricTable). */
export async function readMetricFile(path: string): Promise<MetricFile | MetricTable> {
  if (/\.(csv|tsv)$/i.test(path)) {
    await checkMetricFileSize(path);
    return readMetricTable(path);
  }
  const format = metricFileFormat(path);
  const maxBytes = format === "yaml" ? YAML_FILE_MAX_BYTES : METRIC_FILE_MAX_BYTES;
  return parseMetricText(readTextFile(path, { label: path, what: "metric file", maxBytes }), path, format);
}

/** Metric files are small regular files; a huge one (or a directory, FIFO, device) is almost always the wrong path. */
export async function checkMetricFileSize(path: string): Promise<void> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new UserError(`cannot read metric file: ${(cause as Error).message}`, {
      location: path,
      hint: "check the path in ctrain.yml and that the training step wrote the file",
      cause,
    });
  });
  if (!info.isFile()) {
    throw new UserError(`the metric file is ${describeFileKind(info)}, not a regular file`, {
      location: path,
      hint: "point the metrics setting at a file the training step writes",
    });
  }
  if (info.size > METRIC_FILE_MAX_BYTES) {
    throw new UserError(`metric file is ${info.size} bytes, above the ${METRIC_FILE_MAX_BYTES}-byte limit`, {
      location: path,
      hint: "point the metrics setting at a summary file, not at predictions or logs",
    });
  }
}
