import { existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { UserError, parseDocument, type RecordedValue } from "@ctrain/core";
import {
  CHECK_FOLDER,
  KEY_MANIFEST,
  KEY_PARTITIONS,
  KEY_RECORD_BYTES,
  KEY_RECORD_WORDS,
  KeyManifest,
  checkFolder,
  compareRecords,
  partitionFile,
  type RepeatCheck,
} from "../checks/key-partitions.js";
import { PARTIAL_UNEXPECTED_COUNT, UnexpectedTally } from "../checks/results.js";

/** The folder of a shard bundle that holds `<dataset>/<check>/` key partitions. */
export const KEYS_FOLDER = "keys";
/** The merge holds one partition of every shard at once: each is capped (1 GiB is 38 million keys). */
const MAX_PARTITION_BYTES = 1024 ** 3;
const MAX_MANIFEST_BYTES = 1024 ** 2;
const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const PARTITION_SHIFT = 32 - Math.log2(KEY_PARTITIONS);

/** One shard's checked key partitions. */
interface ShardKeys {
  dir: string;
  manifest: KeyManifest;
}

/** A repeat's place within its shard: the file (its index in the shard's manifest) and line. */
interface Place {
  file: number;
  line: number;
}

/** An example of a joined repeat check: a shard's own repeat comes with its value; one across shards is read later. */
export interface JoinedExample {
  value?: RecordedValue;
  /** The path as documents record it (null: a file outside the working directory). */
  file: string | null;
  line: number;
}

/** A repeat check: which, and on which columns (the key's, the unique column, none for whole rows). */
export interface RepeatCheckOf {
  check: RepeatCheck;
  columns: readonly string[];
}

/** A repeat check over all shards: the totals, the repeats, and the first 20 in read order. */
export interface JoinedRepeats {
  rows: number;
  /** Keyed rows, non-null values or rows, as the check counts them. */
  counted: number;
  repeats: number;
  examples: JoinedExample[];
}

/** The repeats as a tally, once every example has its value (an unread one shows none). */
export function repeatsTally(joined: JoinedRepeats): UnexpectedTally {
  const tally = new UnexpectedTally();
  for (const example of joined.examples) tally.add(example.value ?? null, example.file ?? undefined, example.line);
  tally.count = joined.repeats;
  return tally;
}

/**
 * A repeat check over all shards, as one pass over their files in shard order gives it: each shard's own repeats plus
 * the keys it shares with an earlier shard, found by joining the shards' key partitions one partition at a time. The
 * examples of repeats across shards have no value yet: the merge reads them from the data (`readExampleRows`).
 * `folders` are the shards that ran the check, of `shardCount` that profiled the dataset. Undefined when none saved
 * partitions for it. Shard folders are hostile: every folder, manifest, file and record is checked, and a missing or
 * foreign shard is refused.
 */
export function joinShardRepeats(
  folders: readonly string[],
  dataset: string,
  of: RepeatCheckOf,
  shardCount: number,
): JoinedRepeats | undefined {
  const found = folders.map((folder) => readShardKeys(folder, dataset, of));
  const shards = found.filter((shard): shard is ShardKeys => shard !== undefined);
  if (shards.length === 0) return undefined;
  checkShardSet(shards, folders, found, dataset, of, shardCount);
  shards.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
  const across = shards.map(() => ({ count: 0, first: [] as Place[] }));
  for (let p = 0; p < KEY_PARTITIONS; p++) {
    const parts = shards.map((shard) => readPartition(shard, p));
    joinPartition(parts, (shard, records, i) => {
      const entry = across[shard]!;
      entry.count++;
      keepFirst(entry.first, placeOf(records, i));
    });
  }
  // The first 20 repeats in read order: each shard's own (with their values) and those it shares with an earlier one.
  const examples: JoinedExample[] = [];
  let repeats = 0;
  for (const [s, { manifest }] of shards.entries()) {
    const inOrder = [...manifest.examples, ...across[s]!.first].sort((a, b) => a.file - b.file || a.line - b.line);
    for (const example of inOrder.slice(0, PARTIAL_UNEXPECTED_COUNT - examples.length)) {
      examples.push({ ...example, file: manifest.files[example.file] ?? null });
    }
    repeats += manifest.repeats + across[s]!.count;
  }
  const rows = shards.reduce((sum, shard) => sum + shard.manifest.rows, 0);
  const counted = shards.reduce((sum, shard) => sum + shard.manifest.counted, 0);
  return { rows, counted, repeats, examples };
}

/**
 * Walks the partitions (each sorted by hash, one per shard in shard order) together: for each hash held by several
 * shards, the first holds its first appearance, and `repeat` is told about every later one.
 */
export function joinPartition(
  parts: readonly Uint32Array[],
  repeat: (shard: number, records: Uint32Array, index: number) => void,
): void {
  const heads = parts.map(() => 0);
  const sizes = parts.map((part) => part.length / KEY_RECORD_WORDS);
  for (;;) {
    let least = -1;
    for (let s = 0; s < parts.length; s++) {
      if (
        heads[s]! < sizes[s]! &&
        (least < 0 || compareRecords(parts[s]!, heads[s]!, parts[least]!, heads[least]!) < 0)
      )
        least = s;
    }
    if (least < 0) return;
    const first = parts[least]!;
    const at = heads[least]!;
    heads[least] = at + 1;
    for (let s = least + 1; s < parts.length; s++) {
      if (heads[s]! < sizes[s]! && compareRecords(parts[s]!, heads[s]!, first, at) === 0) {
        repeat(s, parts[s]!, heads[s]!);
        heads[s] = heads[s]! + 1;
      }
    }
  }
}

function placeOf(records: Uint32Array, i: number): Place {
  const at = i * KEY_RECORD_WORDS;
  return { file: records[at + 2]!, line: records[at + 3]! };
}

/** Keeps the first `PARTIAL_UNEXPECTED_COUNT` places in read order. */
function keepFirst(places: Place[], place: Place): void {
  const last = places[places.length - 1];
  const full = places.length === PARTIAL_UNEXPECTED_COUNT;
  if (full && last && (last.file < place.file || (last.file === place.file && last.line < place.line))) return;
  let i = places.length;
  while (
    i > 0 &&
    (places[i - 1]!.file > place.file || (places[i - 1]!.file === place.file && places[i - 1]!.line > place.line))
  )
    i--;
  places.splice(i, 0, place);
  if (places.length > PARTIAL_UNEXPECTED_COUNT) places.pop();
}

/** The shard's partitions of one check for `dataset`, checked; undefined when it saved none. */
function readShardKeys(folder: string, dataset: string, of: RepeatCheckOf): ShardKeys | undefined {
  if (!DATASET_NAME.test(dataset)) return undefined;
  const datasetDir = join(folder, KEYS_FOLDER, dataset);
  const refuseIn =
    (label: string) =>
    (found: string, expected: string): never => {
      throw new UserError(`shard key partitions ${label}: ${found}; expected ${expected}`, {
        location: label,
        hint: "merge only the shard bundles that ctrain's validate step wrote with `shard: i/N` (a shard artifact from elsewhere cannot be trusted)",
      });
    };
  if (!existsSync(datasetDir)) return undefined;
  const inDataset = refuseIn(`${folder}/${KEYS_FOLDER}/${dataset}`);
  if (!lstatSync(datasetDir).isDirectory()) inDataset("not a folder", "a folder");
  const strays = readdirSync(datasetDir).filter(
    (entry) => !CHECK_FOLDER.test(entry) || !lstatSync(join(datasetDir, entry)).isDirectory(),
  );
  if (strays.length > 0)
    inDataset(`it holds ${JSON.stringify(strays.slice(0, 3))}`, "only folders key, rows and unique-<16 hex digits>");
  const dir = join(datasetDir, checkFolder(of.check, of.columns));
  const label = `${folder}/${KEYS_FOLDER}/${dataset}/${checkFolder(of.check, of.columns)}`;
  if (!existsSync(dir)) return undefined;
  const refuse = refuseIn(label);
  const expected = new Set([KEY_MANIFEST, ...Array.from({ length: KEY_PARTITIONS }, (_, p) => partitionFile(p))]);
  const entries = readdirSync(dir);
  const stray = entries.filter((entry) => !expected.has(entry));
  if (stray.length > 0)
    refuse(`it holds ${JSON.stringify(stray.slice(0, 3))}`, `only ${KEY_MANIFEST} and p00.bin-p63.bin`);
  if (entries.length !== expected.size)
    refuse(`${expected.size - entries.length} file(s) are missing`, `${expected.size} files`);
  const sizes = new Map<string, number>();
  for (const entry of entries) {
    const stat = lstatSync(join(dir, entry));
    if (!stat.isFile()) refuse(`${entry} is not a regular file`, "regular files (no links)");
    sizes.set(entry, stat.size);
  }
  if (sizes.get(KEY_MANIFEST)! > MAX_MANIFEST_BYTES)
    refuse(`${KEY_MANIFEST} is too large`, `at most ${MAX_MANIFEST_BYTES} bytes`);
  const manifest = parseDocument(
    readFileSync(join(dir, KEY_MANIFEST), "utf8"),
    KeyManifest,
    `${label}/${KEY_MANIFEST}`,
  );
  if (manifest.dataset !== dataset) refuse(`its manifest names dataset ${JSON.stringify(manifest.dataset)}`, dataset);
  if (manifest.check !== of.check) refuse(`its manifest names check ${manifest.check}`, of.check);
  // The key's columns are compared with ctrain.yml's in `checkShardSet`, with a hint to fix them.
  if (of.check === "unique-column" && JSON.stringify(manifest.columns) !== JSON.stringify(of.columns))
    refuse(`its manifest names column(s) ${JSON.stringify(manifest.columns)}`, JSON.stringify(of.columns));
  let records = 0;
  for (let p = 0; p < KEY_PARTITIONS; p++) {
    const bytes = manifest.partitions[p]! * KEY_RECORD_BYTES;
    const size = sizes.get(partitionFile(p))!;
    if (size !== bytes)
      refuse(
        `${partitionFile(p)} holds ${size} bytes`,
        `${bytes} (${manifest.partitions[p]} records of ${KEY_RECORD_BYTES} bytes)`,
      );
    if (size > MAX_PARTITION_BYTES) refuse(`${partitionFile(p)} holds ${size} bytes`, `at most ${MAX_PARTITION_BYTES}`);
    records += manifest.partitions[p]!;
  }
  if (manifest.counted > manifest.rows || records > manifest.counted || manifest.repeats > manifest.counted)
    refuse(
      `${records} keys, ${manifest.repeats} repeats, ${manifest.counted} counted of ${manifest.rows} rows`,
      "counts that fit together",
    );
  for (const example of manifest.examples) {
    if (example.file >= manifest.files.length)
      refuse(`an example in file ${example.file}`, `fewer than ${manifest.files.length} files`);
  }
  return { dir, manifest };
}

/** Every shard of the same split, each once, keyed on the same columns. */
function checkShardSet(
  shards: readonly ShardKeys[],
  folders: readonly string[],
  found: readonly (ShardKeys | undefined)[],
  dataset: string,
  of: RepeatCheckOf,
  shardCount: number,
): void {
  const hint = "download every shard artifact of one run (each matrix job's `shard: i/N`) and merge them together";
  const missing = found.findIndex((shard) => shard === undefined);
  if (missing >= 0) {
    throw new UserError(
      `${folders[missing]} saved no ${checkFolder(of.check, of.columns)} partitions of ${dataset}, but other shards did`,
      { location: folders[missing], hint },
    );
  }
  const { columns } = of;
  const count = shards[0]!.manifest.shard.count;
  const indexes = new Set<number>();
  for (const [i, { manifest }] of shards.entries()) {
    const where = `${folders[i]}/${KEYS_FOLDER}/${dataset}/${KEY_MANIFEST}`;
    if (manifest.shard.count !== count || indexes.has(manifest.shard.index)) {
      throw new UserError(
        `shard ${manifest.shard.index}/${manifest.shard.count} does not fit the other shards (${[...indexes].join(", ")} of ${count})`,
        { location: where, hint },
      );
    }
    if (JSON.stringify(manifest.columns) !== JSON.stringify(columns)) {
      throw new UserError(
        `the shard's key is (${manifest.columns.join(", ")}); ctrain.yml's is (${columns.join(", ")})`,
        {
          location: where,
          hint: `validate every shard with the same data.datasets.${dataset}.key as the merge`,
        },
      );
    }
    indexes.add(manifest.shard.index);
  }
  if (count !== shardCount) {
    throw new UserError(`the shards say they are ${count}, but ${shardCount} shard folder(s) hold ${dataset}`, {
      location: "merge-profiles",
      hint,
    });
  }
  if (indexes.size !== count && folders.length === shardCount) {
    const absent = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !indexes.has(index));
    throw new UserError(`shard(s) ${absent.join(", ")} of ${count} are missing for ${dataset}`, {
      location: "merge-profiles",
      hint,
    });
  }
}

/** Partition `p` of a shard, each record checked: in its partition, sorted, distinct, pointing inside the shard. */
function readPartition(shard: ShardKeys, p: number): Uint32Array {
  const file = readFileSync(join(shard.dir, partitionFile(p)));
  const { manifest } = shard;
  const count = file.length / KEY_RECORD_BYTES;
  if (count !== manifest.partitions[p])
    corrupt(shard, p, `${count} records where the manifest says ${manifest.partitions[p]}`);
  const records = new Uint32Array(file.buffer, file.byteOffset, count * KEY_RECORD_WORDS);
  for (let i = 0; i < count; i++) {
    const at = i * KEY_RECORD_WORDS;
    if (records[at]! >>> PARTITION_SHIFT !== p) corrupt(shard, p, `record ${i} belongs to another partition`);
    if (i > 0 && compareRecords(records, i - 1, records, i) >= 0)
      corrupt(shard, p, `record ${i} is out of order or repeated`);
    const place = placeOf(records, i);
    if (place.file >= manifest.files.length)
      corrupt(shard, p, `record ${i} names file ${place.file} of ${manifest.files.length}`);
  }
  return records;
}

function corrupt(shard: ShardKeys, p: number, found: string): never {
  throw new UserError(`shard key partitions ${shard.dir}/${partitionFile(p)}: ${found}`, {
    location: `${shard.dir}/${partitionFile(p)}`,
    hint: "the shard artifact is damaged or was not written by ctrain's validate step: validate that shard again",
  });
}
