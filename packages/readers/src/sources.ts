import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { UserError } from "@ctrain/core";
import type { DataFormat, ResolvedReadOptions } from "./options.js";

/** One file of a dataset, ready to open. */
export interface DataFile {
  /** The path as messages show it: as given, or as the glob matched it. */
  file: string;
  /** Absolute path. */
  path: string;
  format: DataFormat;
  /** The delimiter a CSV file gets when none is set: a tab for `.tsv`, else a comma. */
  defaultDelimiter: number;
  size: number;
}

const FORMAT_BY_EXTENSION: ReadonlyMap<string, DataFormat> = new Map([
  [".csv", "csv"],
  [".tsv", "csv"],
  [".jsonl", "jsonl"],
  [".ndjson", "jsonl"],
  [".parquet", "parquet"],
  [".pq", "parquet"],
]);
const KNOWN_EXTENSIONS_PATTERN = "**/*.{csv,tsv,jsonl,ndjson,csv.gz,tsv.gz,jsonl.gz,ndjson.gz,parquet,pq}";
const TAB = 0x09;
const COMMA = 0x2c;

/**
 * Expands paths, globs and directories into files sorted by path (code-unit order), so every read of
 * the same shards sees the same order. A file named twice is read once.
 */
export async function resolveDataFiles(
  sources: string | readonly string[],
  options: ResolvedReadOptions,
): Promise<DataFile[]> {
  const entries = typeof sources === "string" ? [sources] : sources;
  if (entries.length === 0) {
    throw new UserError("no data files were given", { hint: "name a file, a directory or a glob such as data/*.csv" });
  }
  const byPath = new Map<string, string>();
  for (const entry of entries) {
    for (const file of await expandEntry(entry, options.cwd)) {
      const path = resolve(options.cwd, file);
      if (!byPath.has(path)) byPath.set(path, file);
    }
  }
  const files = [...byPath].sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Promise.all(
    files.map(async ([path, file]) => {
      const { size } = await regularFile(path, file);
      return {
        file,
        path,
        format: options.format ?? formatFromName(file),
        defaultDelimiter: baseName(file).endsWith(".tsv") ? TAB : COMMA,
        size,
      };
    }),
  );
}

async function expandEntry(entry: string, cwd: string): Promise<string[]> {
  // tinyglobby (with picomatch and fdir) loads with the first path to expand, after the config is read.
  const { glob, isDynamicPattern } = await import("tinyglobby");
  if (isDynamicPattern(entry)) {
    const matches = await glob(entry, { cwd, onlyFiles: true, absolute: isAbsolute(entry), expandDirectories: false });
    if (matches.length === 0) {
      throw new UserError(`no files match the pattern ${entry} (working directory: ${cwd})`, {
        location: entry,
        hint: "check the pattern; it is matched against paths relative to the working directory",
      });
    }
    return matches;
  }
  const info = await stat(resolve(cwd, entry)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw new UserError(`cannot read ${entry}: ${error.message}`, { location: entry, cause: error });
  });
  if (info === undefined) {
    throw new UserError(`file not found: ${entry} (working directory: ${cwd})`, {
      location: entry,
      hint: "check the path; a relative path starts at the working directory",
    });
  }
  if (!info.isDirectory()) return [entry];
  const inside = await glob(KNOWN_EXTENSIONS_PATTERN, { cwd: resolve(cwd, entry), onlyFiles: true });
  if (inside.length === 0) {
    throw new UserError(`the directory ${entry} holds no data files`, {
      location: entry,
      hint: "data files end in .csv, .tsv, .jsonl, .ndjson (each optionally .gz), .parquet or .pq",
    });
  }
  return inside.map((name) => join(entry, name));
}

/**
 * A data file must be a regular file (or a symlink to one): opening a FIFO waits for a writer for ever, and a
 * device or socket is no dataset.
 */
async function regularFile(path: string, file: string): Promise<Stats> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot read ${file}: ${error.message}`, { location: file, cause: error });
  });
  if (!info.isFile()) {
    throw new UserError(`${file} is ${kindOf(info)}, not a regular file`, {
      location: file,
      hint: "point the dataset at data files; write a stream to a file first, then validate that file",
    });
  }
  return info;
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return "a named pipe (FIFO)";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a file";
}

function baseName(file: string): string {
  const name = file.toLowerCase();
  return name.endsWith(".gz") ? name.slice(0, -3) : name;
}

function formatFromName(file: string): DataFormat {
  const name = baseName(file);
  const dot = name.lastIndexOf(".");
  const format = dot < 0 ? undefined : FORMAT_BY_EXTENSION.get(name.slice(dot));
  if (format === undefined) {
    throw new UserError(`cannot tell the format of ${file} from its name`, {
      location: file,
      hint: "name it .csv, .tsv, .jsonl or .ndjson (optionally .gz), .parquet or .pq, or set the format option",
    });
  }
  return format;
}
