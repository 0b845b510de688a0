import { UserError } from "@ctrain/core";
import {
  planSegments,
  readPieces,
  resolveReadOptions,
  type DataFile,
  type FilePiece,
  type ReadOptions,
} from "@ctrain/readers";
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
      hint: "validate cuts the files at record boundaries instead when there are fewer files than shards",
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
 * boundaries (quote-aware, as `planSegments` plans them) near where the bytes before the cut reach an even share.
 * Shards in order read the records one pass reads, and each piece knows its first line, so examples keep their lines.
 * Gzip and Parquet files are not cut, nor files outside the working directory (documents record no path for them, so
 * the merge could not check that their ranges tile them). Records that do not make `count` shares, each with a record
 * of its own, are an error.
 */
export async function shardPieces(
  files: readonly DataFile[],
  shard: ShardPlace,
  dataset: string,
  read: ReadOptions,
  inside: (file: DataFile) => boolean,
): Promise<FilePiece[]> {
  const options = resolveReadOptions(read);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const share = total / shard.count;
  // Planned in grains of a 64th of a share, each grain going to the share its first byte falls in: cuts land near
  // every even share (a plan in shares of at least `share` bytes each drifted, and ran out of records before the last).
  const shares: FilePiece[][] = [[]];
  let before = 0;
  // A share whose one grain starts a file that goes on may hold that file's header alone: it takes one grain more.
  let grains = 0;
  let headOnly = false;
  for await (const grain of planSegments(files, options, Math.max(1, Math.floor(share / 64)))) {
    // One share at most per grain: a grain that crosses two targets must not leave a share empty between them.
    if (shares.length < shard.count && before >= shares.length * share && !(grains === 1 && headOnly)) {
      shares.push([]);
      grains = 0;
    }
    const pieces = shares[shares.length - 1]!;
    for (const piece of grain.pieces) {
      const last = pieces[pieces.length - 1];
      if (last && last.file.path === piece.file.path && last.end === piece.start) last.end = piece.end;
      else pieces.push({ ...piece });
    }
    const [first] = grain.pieces;
    headOnly = grain.pieces.length === 1 && first!.start === 0 && first!.end < first!.file.size;
    grains++;
    before += grain.bytes;
  }
  const location = `data.datasets.${dataset}.path`;
  const outside = shares
    .flat()
    .find((piece) => (piece.start > 0 || piece.end < piece.file.size) && !inside(piece.file));
  if (outside) {
    throw new UserError(`${outside.file.file} lies outside the working directory, so shards cannot cut it`, {
      location,
      hint: "move the data under the working directory, or use at most as many shards as the dataset has files",
    });
  }
  // A share of a header, or of blank lines, alone would make a shard with no rows and no columns.
  const empty = await firstShareWithoutRecords(shares, read);
  if (shares.length < shard.count || empty >= 0) {
    const made =
      empty >= 0 ? `share ${empty + 1} would hold no records` : `its records make only ${shares.length} share(s)`;
    throw new UserError(`dataset ${dataset} cannot be cut into ${shard.count} shards: ${made}`, {
      location,
      hint: "shards cut uncompressed CSV, TSV and JSON Lines files at record boundaries, but not gzip or Parquet files, nor inside one record: use fewer shards, or split the data into more files",
    });
  }
  return shares[shard.index - 1]!;
}

/** The index of the first share whose pieces hold no record, or -1 (each share is read up to its first record). */
async function firstShareWithoutRecords(shares: readonly FilePiece[][], read: ReadOptions): Promise<number> {
  for (const [i, pieces] of shares.entries()) {
    let rows = 0;
    for await (const batch of readPieces(pieces, read)) {
      rows += batch.rows;
      if (rows > 0) break;
    }
    if (rows === 0) return i;
  }
  return -1;
}
