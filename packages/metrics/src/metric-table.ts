import { UserError, checkKeySegments } from "@ctrain/core";
import { parseCell, readRecords } from "@ctrain/readers";
import { metricValueOfNumber, type MetricMap, type MetricValue } from "./metric-value.js";

/**
 * How a CSV/TSV metric file is laid out, detected from its header:
 * - "name-value": exactly two columns named name|metric|key and value: one metric per row;
 * - "last-row": any other header: one column per metric, one row per step (e.g. epochs), and the last
 *   row holds the final values.
 */
export type MetricTableLayout = "name-value" | "last-row";

export interface MetricTable {
  readonly path: string;
  readonly format: "csv" | "tsv";
  readonly layout: MetricTableLayout;
  readonly metrics: MetricMap;
}

const NAME_COLUMNS = new Set(["name", "metric", "key"]);

/** Reads a CSV or TSV metric file with a header row through @ctrain/readers. */
export async function readMetricTable(path: string): Promise<MetricTable> {
  const format = path.toLowerCase().endsWith(".tsv") ? "tsv" : "csv";
  let columns: string[] | undefined;
  let layout: MetricTableLayout = "last-row";
  let last: Record<string, unknown> | undefined;
  const metrics: MetricMap = {};
  for await (const record of readRecords(path, { format: "csv" })) {
    if (!columns) {
      columns = Object.keys(record.values);
      const [first, second] = columns.map((name) => name.trim().toLowerCase());
      if (columns.length === 2 && NAME_COLUMNS.has(first!) && second === "value") layout = "name-value";
    }
    if (layout === "last-row") {
      last = record.values;
      continue;
    }
    const [nameColumn, valueColumn] = columns as [string, string];
    const name = String(record.values[nameColumn] ?? "").trim();
    if (name === "") {
      throw new UserError(`empty metric name in column "${nameColumn}"`, {
        location: `${record.file}:${record.line}`,
        hint: "give every row a metric name, or delete the row",
      });
    }
    checkKeySegments(name, `${record.file}:${record.line}`);
    metrics[name] = metricCell(String(record.values[valueColumn] ?? ""));
  }
  if (!columns) {
    throw new UserError("metric table has no data rows", {
      location: path,
      hint: "write a header row and at least one row of values",
    });
  }
  if (last) for (const column of columns) metrics[column] = metricCell(String(last[column] ?? ""));
  return { path, format, layout, metrics };
}

const NAN_CELL = /^\s*[+-]?nan\s*$/i;

/**
 * A cell as a number by the readers' cell grammar, except that NaN spellings are NaN (a metric that went NaN), not
 * missing as pandas reads them; undefined for anything else (empty cells, text, booleans).
 */
export function numericCell(cell: unknown): number | undefined {
  if (typeof cell === "number") return cell;
  if (typeof cell !== "string") return undefined;
  if (NAN_CELL.test(cell)) return NaN;
  const value = parseCell(cell);
  return typeof value === "number" ? value : undefined;
}

/** A metric cell: pandas' spellings for numbers, booleans and empty cells, but NaN is kept as NaN, not missing. */
export function metricCell(text: string): MetricValue {
  const number = numericCell(text);
  return number === undefined ? parseCell(text) : metricValueOfNumber(number);
}
