import { relative, resolve } from "node:path";
import { UserError } from "@ctrain/core";
import { parseCell, readRecords } from "@ctrain/readers";

/** One golden input: the request object and the line of the inputs file it came from. */
export interface GoldenInput {
  request: Record<string, unknown>;
  /** `<file>:<line>`, as failures name it. */
  location: string;
}

/** More golden inputs than a model test needs; a bigger file is a dataset, not a test. */
export const GOLDEN_INPUTS_MAX = 100_000;
/** The extensions the data readers read as CSV under `format: auto`. */
const CSV_FILE = /\.(csv|tsv)(\.gz)?$/i;

/**
 * Reads the golden inputs: JSON Lines objects as written, CSV rows with each cell read as a number, boolean or null
 * where it spells one (the data readers' cell grammar), else as text.
 */
export async function readGoldenInputs(
  path: string,
  options: { format: "auto" | "csv" | "jsonl"; cwd: string },
): Promise<GoldenInput[]> {
  const inputs: GoldenInput[] = [];
  const label = relative(options.cwd, resolve(options.cwd, path)) || path;
  for await (const record of readRecords(path, {
    cwd: options.cwd,
    ...(options.format === "auto" ? {} : { format: options.format }),
  })) {
    if (inputs.length === GOLDEN_INPUTS_MAX) {
      throw new UserError(`more than ${GOLDEN_INPUTS_MAX} golden inputs`, {
        location: label,
        hint: "a model test needs a few hundred representative requests; sample the file down",
      });
    }
    const csv = options.format === "csv" || (options.format === "auto" && CSV_FILE.test(record.file));
    const request = csv
      ? Object.fromEntries(Object.entries(record.values).map(([key, cell]) => [key, parseCell(String(cell))]))
      : record.values;
    inputs.push({ request, location: `${label}:${record.line}` });
  }
  if (inputs.length === 0) {
    throw new UserError("the golden inputs file holds no requests", {
      location: label,
      hint: "write one request a line (JSON Lines) or a header and one request a row (CSV)",
    });
  }
  return inputs;
}
