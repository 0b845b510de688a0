import { statSync } from "node:fs";
import { resolve } from "node:path";
import {
  isUserError,
  sha256File,
  type CtrainConfig,
  type DataFileDigest,
  type DatasetConfig,
  type RecordedValue,
} from "@ctrain/core";
import { readBatches, resolveDataFiles, resolveReadOptions, type RecordBatch } from "@ctrain/readers";
import { cellValue } from "../checks/column-checks.js";
import { recordedPath } from "../checks/dataset-checks.js";
import { keyText, rowPreview } from "../checks/row-checks.js";
import type { JoinedExample, RepeatCheckOf } from "./key-join.js";
import type { ValidationLog } from "./progress-log.js";
import { readOptions } from "./validate-dataset.js";

/** An example to read: where its row is, and which check shows it. */
export interface ExampleRequest {
  example: JoinedExample;
  of: RepeatCheckOf;
}

/**
 * Gives the examples of repeats across shards their values, read from the dataset's files as the checks show them (the
 * key's text, the row's first cells, the unique column's value). Shards save where each key first appeared, not how it
 * reads: each file is read once for every check, and only up to the last row asked for (examples are the first
 * repeats in read order). A file gives no values, and the log says why, when it is not one of the dataset's files as
 * ctrain.yml names them here (a shard's manifest is hostile), is not here (the merge ran without the data), differs
 * from what the shards read (size or sha256 against `files`, the merged digests), or cannot be read.
 */
export async function readExampleRows(
  config: CtrainConfig,
  dataset: string,
  files: readonly DataFileDigest[],
  requests: readonly ExampleRequest[],
  cwd: string,
  log: ValidationLog,
): Promise<void> {
  const byFile = new Map<string, Map<number, ExampleRequest[]>>();
  for (const request of requests) {
    const { file, line } = request.example;
    if (file === null) continue;
    const lines = byFile.get(file) ?? new Map<number, ExampleRequest[]>();
    lines.set(line, [...(lines.get(line) ?? []), request]);
    byFile.set(file, lines);
  }
  const settings = config.data.datasets[dataset];
  // Shard manifests are hostile: only the dataset's own files, as ctrain.yml names them here, are read.
  const own = settings ? await datasetFiles(settings, config, cwd) : new Set<string>();
  const digests = new Map(files.map((file) => [file.path, file]));
  const skip = (file: string, why: string) =>
    log.info(`${dataset}: ${file} ${why}, so examples of repeats across shards in it show no value`);
  for (const [file, lines] of byFile) {
    if (!own.has(file)) {
      skip(file, "is not one of the dataset's files here");
      continue;
    }
    const path = resolve(cwd, file);
    const read = digests.get(file);
    try {
      // The same path may hold other data here (a later pull, another checkout): its rows would show other values.
      if (statSync(path).size !== read?.bytes || (await sha256File(path)).sha256 !== read.sha256) {
        skip(file, "differs from the file the shards read");
        continue;
      }
      for await (const batch of readBatches([file], readOptions(settings!, config, cwd))) {
        for (let row = 0; row < batch.rows && lines.size > 0; row++) {
          const line = batch.lineOf(row);
          for (const { example, of } of lines.get(line) ?? []) example.value = shown(batch, row, of);
          lines.delete(line);
        }
        if (lines.size === 0) break;
      }
    } catch (error) {
      // Bad input or a file gone or unreadable since it was listed: the examples go without values, the merge goes on.
      if (!isUserError(error) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      skip(file, `cannot be read (${(error as Error).message})`);
    }
  }
}

/** The dataset's files that exist here, as documents record their paths (relative to `cwd`). */
async function datasetFiles(settings: DatasetConfig, config: CtrainConfig, cwd: string): Promise<Set<string>> {
  try {
    const files = await resolveDataFiles(settings.path, resolveReadOptions(readOptions(settings, config, cwd)));
    return new Set(files.flatMap((file) => recordedPath(file.file, cwd) ?? []));
  } catch (error) {
    if (isUserError(error)) return new Set();
    throw error;
  }
}

function shown(batch: RecordBatch, row: number, of: RepeatCheckOf): RecordedValue {
  switch (of.check) {
    case "key":
      return keyText(
        batch,
        row,
        of.columns.map((column) => batch.columns.indexOf(column)),
      );
    case "duplicate-rows":
      return rowPreview(batch, row);
    case "unique-column": {
      const col = batch.columns.indexOf(of.columns[0]!);
      return col < 0 ? null : cellValue(batch, row, col);
    }
  }
}
