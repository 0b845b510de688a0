import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { BUNDLE_DOCUMENT_MAX_BYTES, UserError } from "@ctrain/core";
import { LineCounter, parseDocument, type ScalarTag } from "yaml";
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
 * Parses a JSON or YAML metric file. JSON goes through the YAML parser's strict JSON schema, which gives
 * line:column for syntax errors and, with one extra tag, reads Python's bare NaN/Infinity.
 */
export function parseMetricText(
  text: string,
  path: string,
  format: MetricFileFormat = metricFileFormat(path),
): MetricFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    schema: format === "json" ? "json" : "core",
    customTags: (tags) => [pythonNonFinite, ...tags],
    prettyErrors: false,
    lineCounter,
  });
  const [error] = document.errors;
  if (error) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new UserError(`${format.toUpperCase()} syntax error: ${error.message}`, {
      location: `${path}:${line}:${col}`,
      hint: `fix the ${format.toUpperCase()} at that position; metric files hold a mapping of names to values`,
    });
  }
  const root: unknown = document.toJS({ maxAliasCount: 100 });
  if (root === null || typeof root !== "object") {
    throw new UserError(`expected a mapping of metric names to values, found ${root === null ? "null" : typeof root}`, {
      location: path,
      hint: 'write metrics as an object, e.g. {"accuracy": 0.93}',
    });
  }
  return { path, format, metrics: flattenMetrics(root) };
}

/** Reads a metric file by its extension: JSON, YAML, or CSV/TSV with a header (see readMetricTable). */
export async function readMetricFile(path: string): Promise<MetricFile | MetricTable> {
  await checkMetricFileSize(path);
  if (/\.(csv|tsv)$/i.test(path)) return readMetricTable(path);
  return parseMetricText(await readFile(path, "utf8"), path);
}

/** Metric files are small; a huge one is almost always the wrong file. */
export async function checkMetricFileSize(path: string): Promise<void> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new UserError(`cannot read metric file: ${(cause as Error).message}`, {
      location: path,
      hint: "check the path in ctrain.yml and that the training step wrote the file",
      cause,
    });
  });
  if (info.size > BUNDLE_DOCUMENT_MAX_BYTES) {
    throw new UserError(`metric file is ${info.size} bytes, above the ${BUNDLE_DOCUMENT_MAX_BYTES}-byte limit`, {
      location: path,
      hint: "point the metrics setting at a summary file, not at predictions or logs",
    });
  }
}
