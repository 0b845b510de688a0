import { isUserError, type CtrainConfig, type DatasetConfig, type RecordedValue } from "@ctrain/core";
import { readBatches, resolveDataFiles, resolveReadOptions, type RecordBatch } from "@ctrain/readers";
import { recordedPath } from "../checks/dataset-checks.js";
import { cellValue } from "../checks/column-checks.js";
import { keyText, rowPreview } from "../checks/row-checks.js";
import type { ExampleReader, RepeatCheckOf } from "./key-join.js";
import type { ValidationLog } from "./progress-log.js";
import { readOptions } from "./validate-dataset.js";

/**
 * Reads the rows a merged repeat check shows as examples from the dataset's files, as the check shows them (the key's
 * text, the row's first cells, the unique column's value). Shards save where each key first appeared, not how it
 * reads: a file is read only up to the last row it is asked for, and the examples are the first repeats in read order.
 * A file that is not here (the merge ran without the data), or that is not one of the dataset's files as ctrain.yml
 * names them (a shard's manifest is hostile), gives examples with no value, and the log says so.
 */
export function exampleRowReader(
  config: CtrainConfig,
  dataset: string,
  of: RepeatCheckOf,
  cwd: string,
  log: ValidationLog,
): ExampleReader {
  return async (places) => {
    const values: RecordedValue[] = places.map(() => null);
    const byFile = new Map<string, Map<number, number[]>>();
    for (const [i, { file, line }] of places.entries()) {
      if (file === null) continue;
      const lines = byFile.get(file) ?? new Map<number, number[]>();
      lines.set(line, [...(lines.get(line) ?? []), i]);
      byFile.set(file, lines);
    }
    const settings = config.data.datasets[dataset];
    // Shard manifests are hostile: only the dataset's own files, as ctrain.yml names them here, are read.
    const own = settings ? await datasetFiles(settings, config, cwd) : new Set<string>();
    for (const [file, lines] of byFile) {
      if (!own.has(file)) {
        log.info(
          `${dataset}: ${file} is not one of the dataset's files here, so examples of repeats across shards in it show no value`,
        );
        continue;
      }
      for await (const batch of readBatches([file], readOptions(settings!, config, cwd))) {
        for (let row = 0; row < batch.rows && lines.size > 0; row++) {
          const at = lines.get(batch.lineOf(row));
          if (!at) continue;
          const value = shown(batch, row, of);
          for (const i of at) values[i] = value;
          lines.delete(batch.lineOf(row));
        }
        if (lines.size === 0) break;
      }
    }
    return values;
  };
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
