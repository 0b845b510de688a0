import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * A shard's keys, saved beside its profile so that the merge can find keys repeated across shards. Every distinct key
 * hash goes, with where it first appeared and how it reads, into one of `KEY_PARTITIONS` files chosen by its top hash
 * bits, sorted by hash: the merge then joins one partition of every shard at a time.
 */
export const KEY_PARTITIONS = 64;
const PARTITION_BITS = 6;
/** hi, lo, file, line, value offset (low and high word), value length: little-endian 32-bit words. */
export const KEY_RECORD_WORDS = 7;
export const KEY_RECORD_BYTES = KEY_RECORD_WORDS * 4;
/** Examples cut values at 200 characters and mark the cut; one more tells the cut apart from a value of exactly 200. */
export const KEY_VALUE_MAX_CHARS = 201;
/** Records wait in a buffer of 16 KiB per partition before they are written. */
const RECORDS_PER_BUFFER = 585;
const VALUE_BUFFER_BYTES = 64 * 1024;

export const KEY_MANIFEST = "manifest.json";
export const KEY_VALUES = "values.bin";
export const partitionFile = (p: number): string => `p${String(p).padStart(2, "0")}.bin`;

const Example = z.strictObject({
  value: z.string().max(1000),
  file: z.number().int().min(0),
  line: z.number().int().min(0),
});

/** What a shard says about its keys (`keys/<dataset>/manifest.json`); written here, checked by the merge. */
export const KeyManifest = z.strictObject({
  schema: z.literal("ctrain.key-partitions/v1"),
  dataset: z.string().min(1).max(200),
  shard: z
    .strictObject({ index: z.number().int().min(1), count: z.number().int().min(1) })
    .refine((shard) => shard.index <= shard.count, "index must be at most count"),
  columns: z.array(z.string().max(1000)).min(1).max(100),
  /** The shard's files in read order, as documents record them (null: outside the working directory). */
  files: z.array(z.string().max(4096).nullable()).max(10_000),
  rows: z.number().int().min(0),
  keyedRows: z.number().int().min(0),
  /** Keys repeated within the shard, and the first of them with where they are. */
  repeats: z.number().int().min(0),
  examples: z.array(Example).max(20),
  /** Records in each partition file. */
  partitions: z.array(z.number().int().min(0)).length(KEY_PARTITIONS),
  valueBytes: z.number().int().min(0),
});
export type KeyManifest = z.infer<typeof KeyManifest>;

/** Which shard of how many, 1-based. */
export interface ShardPlace {
  index: number;
  count: number;
}

/**
 * Writes one shard's key partitions while the key check runs: `add` takes every key that is new as far as the
 * in-memory check knows (later repeats of spilled keys are dropped by `finish`, which keeps the first), then
 * `finish` sorts each partition, in memory bounded by the largest, and writes the manifest.
 */
export class KeyPartitionWriter {
  private readonly fds: number[] = [];
  private readonly buffers: Uint32Array[] = [];
  private readonly fill = new Uint32Array(KEY_PARTITIONS);
  private readonly counts = new Float64Array(KEY_PARTITIONS);
  private readonly valuesFd: number;
  private readonly values = Buffer.alloc(VALUE_BUFFER_BYTES);
  private valuesFill = 0;
  private valueBytes = 0;
  private finished = false;

  constructor(
    private readonly dir: string,
    private readonly about: { dataset: string; shard: ShardPlace; columns: readonly string[] },
  ) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (let p = 0; p < KEY_PARTITIONS; p++) {
      this.fds.push(openSync(join(dir, partitionFile(p)), "w"));
      this.buffers.push(new Uint32Array(RECORDS_PER_BUFFER * KEY_RECORD_WORDS));
    }
    this.valuesFd = openSync(join(dir, KEY_VALUES), "w");
  }

  add(hi: number, lo: number, file: number, line: number, value: string): void {
    const offset = this.valueBytes;
    const length = this.addValue(value.length > KEY_VALUE_MAX_CHARS ? value.slice(0, KEY_VALUE_MAX_CHARS) : value);
    const p = hi >>> (32 - PARTITION_BITS);
    const buffer = this.buffers[p]!;
    let at = this.fill[p]! * KEY_RECORD_WORDS;
    buffer[at++] = hi;
    buffer[at++] = lo;
    buffer[at++] = file;
    buffer[at++] = line;
    buffer[at++] = offset % 2 ** 32;
    buffer[at++] = Math.floor(offset / 2 ** 32);
    buffer[at] = length;
    this.counts[p]!++;
    if (++this.fill[p]! === RECORDS_PER_BUFFER) this.flush(p);
  }

  /** Sorts and deduplicates every partition and writes the manifest. */
  finish(summary: {
    files: readonly (string | undefined)[];
    rows: number;
    keyedRows: number;
    repeats: number;
    examples: readonly { value: string; file: number; line: number }[];
  }): void {
    const partitions: number[] = [];
    for (let p = 0; p < KEY_PARTITIONS; p++) {
      this.flush(p);
      closeSync(this.fds[p]!);
      partitions.push(this.sortPartition(p));
    }
    this.fds.length = 0;
    this.flushValues();
    closeSync(this.valuesFd);
    this.finished = true;
    const manifest: KeyManifest = {
      schema: "ctrain.key-partitions/v1",
      dataset: this.about.dataset,
      shard: { ...this.about.shard },
      columns: [...this.about.columns],
      files: summary.files.map((file) => file ?? null),
      rows: summary.rows,
      keyedRows: summary.keyedRows,
      repeats: summary.repeats,
      examples: [...summary.examples],
      partitions,
      valueBytes: this.valueBytes,
    };
    writeFileSync(join(this.dir, KEY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Removes what was written (the read failed). */
  dispose(): void {
    if (this.finished) return;
    this.finished = true;
    for (const fd of this.fds.splice(0)) closeSync(fd);
    closeSync(this.valuesFd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Appends a value's UTF-8 bytes (at most 804: 201 characters) to values.bin; returns how many. */
  private addValue(value: string): number {
    if (this.valuesFill + value.length * 4 > VALUE_BUFFER_BYTES) this.flushValues();
    const length = this.values.write(value, this.valuesFill, "utf8");
    this.valuesFill += length;
    this.valueBytes += length;
    return length;
  }

  private flushValues(): void {
    writeSync(this.valuesFd, this.values, 0, this.valuesFill);
    this.valuesFill = 0;
  }

  private flush(p: number): void {
    const records = this.fill[p]!;
    if (records === 0) return;
    writeSync(this.fds[p]!, this.buffers[p]!, 0, records * KEY_RECORD_BYTES);
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

/** Orders records `i` of `a` and `j` of `b` by their 64-bit hash (hi, then lo). */
export function compareRecords(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const x = i * KEY_RECORD_WORDS;
  const y = j * KEY_RECORD_WORDS;
  return a[x]! - b[y]! || a[x + 1]! - b[y + 1]!;
}
