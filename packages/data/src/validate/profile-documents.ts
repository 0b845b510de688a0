import { UserError, type DataFileDigest, type FileDigest, type ProfileDocument } from "@ctrain/core";
import { DatasetProfiler, fitSamples, type DatasetProfile } from "../profile/index.js";

/**
 * `profile/<dataset>.json`: a dataset profile with the files it was read from, its samples fitted to the document
 * limit (`fitSamples`). Its `fingerprint` is the profile's own: it depends on the rows only, so shards merged give
 * the fingerprint of the whole data read at once.
 */
export function toProfileDocument(
  dataset: string,
  profile: DatasetProfile,
  files: readonly FileDigest[],
  createdAt = new Date(),
): ProfileDocument {
  return {
    schema: "ctrain.profile/v1",
    dataset,
    createdAt: createdAt.toISOString(),
    rows: profile.rows,
    fingerprint: profile.fingerprint,
    files: [...files],
    columns: fitSamples(profile).columns,
  };
}

/**
 * The dataset profile inside a profile document, checked as hostile input (it may come from another run): a broken
 * sketch raises a UserError naming `location` and the key.
 */
export function fromProfileDocument(document: ProfileDocument, location: string): DatasetProfile {
  return restoreProfiler(document, location).toProfile();
}

function restoreProfiler(document: ProfileDocument, location: string): DatasetProfiler {
  // toProfile() recomputes the fingerprint from the columns, so a document without one loads all the same.
  const fingerprint = document.fingerprint ?? "0".repeat(64);
  return DatasetProfiler.fromProfile({ rows: document.rows, fingerprint, columns: document.columns }, location);
}

/**
 * A file as the merge records it: read whole by one shard, or in byte ranges by several that tile it exactly once
 * (same digest, no gap, no overlap). Anything else would count rows twice or miss some, so it is an error.
 */
function wholeFile(parts: readonly { file: DataFileDigest; location: string }[]): DataFileDigest {
  const [first] = parts;
  const { path, bytes, sha256 } = first!.file;
  if (parts.length === 1 && !first!.file.range) return first!.file;
  const where = parts.map((part) => part.location).join(", ");
  const ranges = parts.map((part) => part.file.range);
  if (ranges.some((range) => !range)) {
    throw new UserError(`${path} was profiled in two shards (also in ${first!.location}); its rows would count twice`, {
      location: parts[1]?.location ?? first!.location,
      hint: "give each shard its own files, e.g. split the file list by the matrix index",
    });
  }
  if (parts.some((part) => part.file.sha256 !== sha256 || part.file.bytes !== bytes)) {
    throw new UserError(`${path} differs between the shards that read parts of it (${where})`, {
      location: first!.location,
      hint: "validate every shard from the same commit of the data",
    });
  }
  const sorted = ranges.map((range) => range!).sort((a, b) => a.start - b.start);
  let covered = 0;
  let tiled = 0;
  for (const range of sorted) {
    if (range.start !== covered || range.end <= range.start) break;
    covered = range.end;
    tiled++;
  }
  // Every range must take its turn: a range given twice (a shard merged twice) would count its rows twice.
  if (covered !== bytes || tiled !== sorted.length) {
    const shown = sorted.map((range) => `${range.start}-${range.end}`).join(", ");
    throw new UserError(`the shards' byte ranges of ${path} (${shown}) do not cover its ${bytes} bytes exactly once`, {
      location: where,
      hint: "merge every shard of the sharded validation, each once",
    });
  }
  return { path, bytes, sha256 };
}

/**
 * Merges the profiles of one dataset's shards (matrix jobs, each profiling some files) into the profile one pass
 * over all files gives: counts, nulls, min and max exactly; mean and variance by Chan's formula; quantiles, distinct
 * counts and top values within their sketches' stated errors; reservoirs into a uniform sample of the union.
 * Each document is checked as hostile input. A file in two shards would be counted twice, so it is an error, unless
 * the shards read byte ranges of it that tile it (`wholeFile`).
 */
export function mergeProfileDocuments(
  documents: readonly { document: ProfileDocument; location: string }[],
  createdAt = new Date(),
): ProfileDocument {
  const first = documents[0];
  if (!first) throw new UserError("no profiles to merge", { hint: "give the profile folders of the shards to merge" });
  const dataset = first.document.dataset;
  const merged = new DatasetProfiler();
  const pieces = new Map<string, { file: DataFileDigest; location: string }[]>();
  for (const { document, location } of documents) {
    if (document.dataset !== dataset) {
      throw new UserError(
        `profile of dataset ${JSON.stringify(document.dataset)} cannot merge into ${JSON.stringify(dataset)}`,
        {
          location,
          hint: "merge the shards of one dataset at a time",
        },
      );
    }
    for (const file of document.files) {
      const known = pieces.get(file.path);
      if (known) known.push({ file, location });
      else pieces.set(file.path, [{ file, location }]);
    }
    merged.merge(restoreProfiler(document, location));
  }
  const files = [...pieces.values()].map(wholeFile);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return toProfileDocument(dataset, merged.toProfile(), files, createdAt);
}
