import { UserError, type FileDigest, type ProfileDocument } from "@ctrain/core";
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
 * Merges the profiles of one dataset's shards (matrix jobs, each profiling some files) into the profile one pass
 * over all files gives: counts, nulls, min and max exactly; mean and variance by Chan's formula; quantiles, distinct
 * counts and top values within their sketches' stated errors; reservoirs into a uniform sample of the union.
 * Each document is checked as hostile input. A file in two shards would be counted twice, so it is an error.
 */
export function mergeProfileDocuments(
  documents: readonly { document: ProfileDocument; location: string }[],
  createdAt = new Date(),
): ProfileDocument {
  const first = documents[0];
  if (!first) throw new UserError("no profiles to merge", { hint: "give the profile folders of the shards to merge" });
  const dataset = first.document.dataset;
  const merged = new DatasetProfiler();
  const files: FileDigest[] = [];
  const seen = new Map<string, string>();
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
      const other = seen.get(file.path);
      if (other !== undefined) {
        throw new UserError(`${file.path} was profiled in two shards (also in ${other}); its rows would count twice`, {
          location,
          hint: "give each shard its own files, e.g. split the file list by the matrix index",
        });
      }
      seen.set(file.path, location);
      files.push(file);
    }
    merged.merge(restoreProfiler(document, location));
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return toProfileDocument(dataset, merged.toProfile(), files, createdAt);
}
