import { UserError } from "@ctrain/core";
import { planSegments, type DataFile, type FilePiece, type ResolvedReadOptions } from "@ctrain/readers";
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
 * shard gets at least one file; a dataset with fewer files than shards is cut by byte ranges instead (`shardPieces`).
 */
export function shardFiles<T extends { size: number }>(files: readonly T[], shard: ShardPlace, dataset: string): T[] {
  if (files.length < shard.count) {
    throw new UserError(`dataset ${dataset} has ${files.length} file(s), fewer than the ${shard.count} shards`, {
      location: `data.datasets.${dataset}.path`,
      hint: "split it with shardPieces, which cuts files at record boundaries",
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

/**
 * Shard `index` of `count` of a dataset with fewer files than shards: a contiguous run of its records, cut at record
 * boundaries (quote-aware) where the bytes before the cut first reach an even share, as `planSegments` plans them.
 * Shards in order read the records one pass reads, and each piece knows its first line, so examples keep their lines.
 * Gzip and Parquet files are not cut: a dataset whose records cannot be cut into `count` shares is an error.
 */
export async function shardPieces(
  files: readonly DataFile[],
  shard: ShardPlace,
  dataset: string,
  options: ResolvedReadOptions,
): Promise<FilePiece[]> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const shares: FilePiece[][] = [];
  for await (const segment of planSegments(files, options, Math.max(1, Math.ceil(total / shard.count)))) {
    // Each share but the last holds at least total / count bytes, so at most one share is left over: the last gets it.
    if (shares.length < shard.count) shares.push(segment.pieces);
    else shares[shard.count - 1]!.push(...segment.pieces);
  }
  // A first share that holds only a header would make a shard with no rows, whose columns would be missing.
  const headerOnly = shares.length > 1 && (await holdsOnlyHeader(shares[0]!, options));
  if (shares.length < shard.count || headerOnly) {
    throw new UserError(
      `dataset ${dataset} cannot be cut into ${shard.count} shards: its records make only ${shares.length - (headerOnly ? 1 : 0)} share(s)`,
      {
        location: `data.datasets.${dataset}.path`,
        hint: "shards cut uncompressed CSV, TSV and JSON Lines files at record boundaries, but not gzip or Parquet files, nor inside one record: use fewer shards, or split the data into more files",
      },
    );
  }
  return shares[shard.index - 1]!;
}

/** Whether a share is the header of a CSV file and nothing else (the file's first record, when it is the header). */
async function holdsOnlyHeader(share: readonly FilePiece[], options: ResolvedReadOptions): Promise<boolean> {
  const [piece] = share;
  if (share.length !== 1 || !piece || piece.start !== 0 || piece.file.format !== "csv" || options.header !== true) {
    return false;
  }
  // Segments of one byte end after each record: the first ends where the header does.
  for await (const segment of planSegments([piece.file], options, 1)) return segment.pieces[0]!.end === piece.end;
  return false;
}
