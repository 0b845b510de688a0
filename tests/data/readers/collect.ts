import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readBatches, type ReadOptions, type RecordBatch } from "@ctrain/readers";

export interface ReadRow {
  line: number;
  fields: unknown[];
}

/** Every row of a dataset as its cells in column order, with its line. */
export async function collectRows(sources: string | string[], options?: ReadOptions): Promise<ReadRow[]> {
  const rows: ReadRow[] = [];
  for await (const batch of readBatches(sources, options)) rows.push(...rowsOf(batch));
  return rows;
}

export function rowsOf(batch: RecordBatch): ReadRow[] {
  return Array.from({ length: batch.rows }, (_, row) => ({
    line: batch.lineOf(row),
    fields: batch.columns.map((_, col) => batch.cell(row, col)),
  }));
}

/** The UserError a read throws, or undefined. */
export async function readError(sources: string | string[], options?: ReadOptions): Promise<Error | undefined> {
  try {
    for await (const batch of readBatches(sources, options)) void batch;
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

/** A fresh temporary directory and a function that removes it. */
export function temporaryDirectory(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-readers-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
