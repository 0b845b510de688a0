import { UserError } from "@ctrain/core";
import type { ShardPlace } from "../checks/key-partitions.js";

/** The most shards a validation splits into: a workflow matrix job each, and a merge that joins them all. */
export const MAX_SHARDS = 64;

/** Parses `i/N` (1 <= i <= N <= MAX_SHARDS), as the `shard` input and `--shard` give it. */
export function parseShard(spec: string, location = "shard"): ShardPlace {
  const match = /^\s*(\d{1,3})\s*\/\s*(\d{1,3})\s*$/.exec(spec);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || index < 1 || count < 1 || index > count || count > MAX_SHARDS) {
    throw new UserError(`${location}: ${JSON.stringify(spec)} is not a shard`, {
      location,
      hint: `write i/N: this job's shard i of N, 1 <= i <= N <= ${MAX_SHARDS} (e.g. \${{ matrix.shard }}/4)`,
    });
  }
  return { index, count };
}

/**
 * Shard `index` of `count`'s files: a contiguous run of the dataset's files (in read order), cut where the bytes
 * before the cut are closest to an even share, so that the shards in order read the files as one pass would. Every
 * shard gets at least one file.
 */
export function shardFiles<T extends { size: number }>(files: readonly T[], shard: ShardPlace, dataset: string): T[] {
  if (files.length < shard.count) {
    throw new UserError(`dataset ${dataset} has ${files.length} file(s), fewer than the ${shard.count} shards`, {
      location: `data.datasets.${dataset}.path`,
      hint: "shards split a dataset by files: use at most as many shards as the dataset has files, or split the data into more files",
    });
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const cuts = [0];
  let before = 0;
  let next = 0;
  for (let cut = 1; cut < shard.count; cut++) {
    const target = (total * cut) / shard.count;
    // At least one file per shard on either side of the cut.
    const low = cuts[cut - 1]! + 1;
    const high = files.length - (shard.count - cut);
    while (next < low || (next < high && before + files[next]!.size / 2 < target)) before += files[next++]!.size;
    cuts.push(next);
  }
  cuts.push(files.length);
  return files.slice(cuts[shard.index - 1], cuts[shard.index]);
}
