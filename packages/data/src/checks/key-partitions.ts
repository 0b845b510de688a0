import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { RecordedValue, encodeNonFinite } from "@ctrain/core";
import type { RepeatSink } from "./repeat-finder.js";
import { PARTIAL_UNEXPECTED_COUNT, type UnexpectedTally } from "./results.js";

/**
 * A shard's repeat-check keys (the key, whole rows, a unique column's values), saved beside its profile so that the
 * merge can find repeats across shards. Every distinct 64-bit hash goes, with where it first appeared (file and line),
 * into one of `KEY_PARTITIONS` files chosen by its top hash bits, sorted by hash: the merge then joins one partition
 * of every shard at a time, and reads the few rows its examples show from the data itself. Each check writes its own
 * folder, `keys/<dataset>/<check folder>/`.
 */
export const KEY_PARTITIONS = 64;
const PARTITION_BITS = 6;
/** hi, lo, file, line: little-endian 32-bit words. */
export const KEY_RECORD_WORDS = 4;
export const KEY_RECORD_BYTES = KEY_RECORD_WORDS * 4;
/** Examples cut values at 200 characters and mark the cut; one more tells the cut apart from a value of exactly 200. */
const KEY_VALUE_MAX_CHARS = 201;
/** Records wait in a buffer of 16 KiB per partition before they are written. */
const RECORDS_PER_BUFFER = 1024;

export const KEY_MANIFEST = "manifest.json";
export const partitionFile = (p: number): string => `p${String(p).padStart(2, "0")}.bin`;

/** The repeat checks a shard saves partitions for. */
export const RepeatCheck = z.enum(["key", "duplicate-rows", "unique-column"]);
export type RepeatCheck = z.infer<typeof RepeatCheck>;

/**
 * The folder of a check's partitions: `key`, `rows`, or `unique-` and 16 hex digits of the column name's SHA-256 (a
 * column name may hold any character; the manifest names the column).
 */
export function checkFolder(check: RepeatCheck, columns: readonly string[]): string {
  if (check === "key") return "key";
  if (check === "duplicate-rows") return "rows";
  return `unique-${createHash("sha256").update(columns[0]!).digest("hex").slice(0, 16)}`;
}
export const CHECK_FOLDER = /^(key|rows|unique-[0-9a-f]{16})$/;

const Example = z.strictObject({
  value: RecordedValue.refine((value) => typeof value !== "string" || value.length <= 1000, "at most 1000 characters"),
  file: z.number().int().min(0),
  line: z.number().int().min(0),
});

/**
 * What a shard says about one check's keys (`keys/<dataset>/<check folder>/manifest.json`); written here, checked by
 * the merge.
 */
export const KeyManifest = z.strictObject({
  schema: z.literal("ctrain.key-partitions/v3"),
  dataset: z.string().min(1).max(200),
  check: RepeatCheck,
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((shard) => shard.index <= shard.count, "index must be at most count"),
  /** The key's columns, the unique column, or none (whole rows). */
  columns: z.array(z.string().max(1000)).max(100),
  /** The shard's files in read order, as documents record them (null: outside the working directory). */
  files: z.array(z.string().max(4096).nullable()).max(10_000),
  rows: z.number().int().min(0),
  /** The rows or values the check looked at: keyed rows, non-null values, or every row. */
  counted: z.number().int().min(0),
  /** Keys repeated within the shard, and the first of them with where they are. */
  repeats: z.number().int().min(0),
  examples: z.array(Example).max(PARTIAL_UNEXPECTED_COUNT),
  /** Records in each partition file. */
  partitions: z.array(z.number().int().min(0)).length(KEY_PARTITIONS),
});
export type KeyManifest = z.infer<typeof KeyManifest>;

/** Which shard of how many, 1-based. */
export interface ShardPlace {
  index: number;
  count: number;
}

/** Which check's keys a writer saves, for which dataset and shard. */
export interface KeyPartitionsAbout {
  dataset: string;
  shard: ShardPlace;
  check: RepeatCheck;
  columns: readonly string[];
}

/**
 * Writes one shard's partitions for one repeat check while it runs: `add` takes every key that is new as far as the
 * in-memory check knows (later repeats of spilled keys are dropped by `finish`, which keeps the first), `example`
 * the shard's own repeats as the check's tally shows them, then `finish` sorts each partition, in memory bounded by
 * the largest, and writes the manifest. Costs 16 bytes per distinct key.
 */
export class KeyPartitionWriter {
  private readonly dir: string;
  private readonly examples: KeyManifest["examples"] = [];
  private readonly buffers: Uint32Array[] = [];
  private readonly fill = new Uint32Array(KEY_PARTITIONS);
  private readonly counts = new Float64Array(KEY_PARTITIONS);
  private finished = false;

  /** `datasetDir` is `keys/<dataset>`; the check's folder goes inside. */
  constructor(
    datasetDir: string,
    private readonly about: KeyPartitionsAbout,
  ) {
    const dir = join(datasetDir, checkFolder(about.check, about.columns));
    this.dir = dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // Buffers are appended with the file opened for each write, not held open: a dataset with many unique columns
    // would otherwise hold 65 descriptors per check.
    for (let p = 0; p < KEY_PARTITIONS; p++) {
      writeFileSync(join(dir, partitionFile(p)), "");
      this.buffers.push(new Uint32Array(RECORDS_PER_BUFFER * KEY_RECORD_WORDS));
    }
  }

  /** A key new to the shard, with where it is (the merge reads the row there when an example shows it). */
  add(hi: number, lo: number, file: number, line: number): void {
    const p = hi >>> (32 - PARTITION_BITS);
    const buffer = this.buffers[p]!;
    let at = this.fill[p]! * KEY_RECORD_WORDS;
    buffer[at++] = hi;
    buffer[at++] = lo;
    buffer[at++] = file;
    buffer[at] = line;
    this.counts[p]!++;
    if (++this.fill[p]! === RECORDS_PER_BUFFER) this.flush(p);
  }

  /** One of the shard's own repeats, as its tally shows it: the first 20 go into the manifest. */
  example(value: RecordedValue, file: number, line: number): void {
    if (this.examples.length < PARTIAL_UNEXPECTED_COUNT) this.examples.push({ value: cut(value), file, line });
  }

  /** Sorts and deduplicates every partition and writes the manifest. */
  finish(summary: { files: readonly (string | undefined)[]; rows: number; counted: number; repeats: number }): void {
    const partitions: number[] = [];
    for (let p = 0; p < KEY_PARTITIONS; p++) {
      this.flush(p);
      partitions.push(this.sortPartition(p));
    }
    this.finished = true;
    const manifest: KeyManifest = {
      schema: "ctrain.key-partitions/v3",
      dataset: this.about.dataset,
      check: this.about.check,
      shard: { ...this.about.shard },
      columns: [...this.about.columns],
      files: summary.files.map((file) => file ?? null),
      rows: summary.rows,
      counted: summary.counted,
      repeats: summary.repeats,
      examples: this.examples,
      partitions,
    };
    writeFileSync(join(this.dir, KEY_MANIFEST), `${JSON.stringify(manifest, encodeNonFinite, 2)}\n`);
  }

  /** Removes what was written (the read failed). */
  dispose(): void {
    if (this.finished) return;
    this.finished = true;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(p: number): void {
    const records = this.fill[p]!;
    if (records === 0) return;
    const buffer = this.buffers[p]!;
    appendFileSync(join(this.dir, partitionFile(p)), new Uint8Array(buffer.buffer, 0, records * KEY_RECORD_BYTES));
    this.fill[p] = 0;
  }

  /** Rewrites partition `p` sorted by hash, keeping each hash's first record (records were written in read order). */
  private sortPartition(p: number): number {
    const path = join(this.dir, partitionFile(p));
    const count = this.counts[p]!;
    if (count === 0) return 0;
    const file = readFileSync(path);
    const records = new Uint32Array(file.buffer, file.byteOffset, count * KEY_RECORD_WORDS);
    const order = new Uint32Array(count);
    for (let i = 0; i < count; i++) order[i] = i;
    order.sort((x, y) => compareRecords(records, x, records, y) || x - y);
    const sorted = new Uint32Array(count * KEY_RECORD_WORDS);
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const from = order[i]! * KEY_RECORD_WORDS;
      if (kept > 0 && compareRecords(sorted, kept - 1, records, order[i]!) === 0) continue;
      sorted.set(records.subarray(from, from + KEY_RECORD_WORDS), kept * KEY_RECORD_WORDS);
      kept++;
    }
    writeFileSync(path, sorted.subarray(0, kept * KEY_RECORD_WORDS));
    return kept;
  }
}

/** A value as an example keeps it: strings past 201 characters cut (the tally marks the cut). */
function cut(value: RecordedValue): RecordedValue {
  return typeof value === "string" && value.length > KEY_VALUE_MAX_CHARS ? value.slice(0, KEY_VALUE_MAX_CHARS) : value;
}

/** Orders records `i` of `a` and `j` of `b` by their 64-bit hash (hi, then lo). */
export function compareRecords(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const x = i * KEY_RECORD_WORDS;
  const y = j * KEY_RECORD_WORDS;
  return a[x]! - b[y]! || a[x + 1]! - b[y + 1]!;
}

/** `data/1.csv:12`: where a repeated value first appeared, by file index and line. */
export function firstPlace(files: readonly (string | undefined)[], file: number, line: number): string {
  return `${files[file] ?? "an earlier file"}:${line}`;
}

/**
 * Where a repeat check's settled repeats go: each to `tallyRepeat`, shown as `shown` says of where its value first
 * appeared; the rest only counted.
 */
export function tallySink(
  tally: UnexpectedTally,
  writer: KeyPartitionWriter | undefined,
  files: readonly (string | undefined)[],
  shown: (first: string) => string,
): RepeatSink {
  return {
    found: (_kind, file, line, firstFile, firstLine) =>
      tallyRepeat(
        tally,
        writer,
        shown(firstPlace(files, firstFile, firstLine)),
        { file: files[file], fileIndex: file },
        line,
      ),
    more: (_kind, count) => {
      tally.count += count;
    },
  };
}

/** Counts a repeat the check found within the shard; its example goes to the tally and, in a shard, the manifest. */
export function tallyRepeat(
  tally: UnexpectedTally,
  writer: KeyPartitionWriter | undefined,
  value: RecordedValue,
  place: { file: string | undefined; fileIndex: number },
  line: number,
): void {
  if (!tally.wantsExample()) {
    tally.count++;
    return;
  }
  writer?.example(value, place.fileIndex, line);
  tally.add(value, place.file, line);
}
