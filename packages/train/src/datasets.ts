import { UserError, filesFingerprint, type DatasetConfig, type FileDigest } from "@ctrain/core";
import { digestFiles } from "./file-digest.js";
import { matchAllFiles, workspacePath } from "./file-patterns.js";

export interface DatasetFingerprint {
  name: string;
  fingerprint: string;
  files: FileDigest[];
}

/** run.json records at most this many files per dataset. */
export const DATASET_FILES_MAX = 10_000;

/** Digests of the files of each dataset named under `data.datasets`, paths relative to the workspace. */
export async function fingerprintDatasets(
  datasets: Readonly<Record<string, DatasetConfig>>,
  root: string,
  log?: (line: string) => void,
): Promise<DatasetFingerprint[]> {
  const fingerprints: DatasetFingerprint[] = [];
  for (const [name, dataset] of Object.entries(datasets)) {
    const { files, unmatched } = await matchAllFiles(dataset.path, root);
    if (unmatched.length > 0) {
      throw new UserError(`dataset ${name}: nothing found at ${unmatched.join(", ")} (workspace: ${root})`, {
        location: `data.datasets.${name}.path`,
        hint: "fetch or generate the data before the train step, or fix the path (relative to the workspace)",
      });
    }
    if (files.length > DATASET_FILES_MAX) {
      throw new UserError(`dataset ${name} has ${files.length} files; a run records at most ${DATASET_FILES_MAX}`, {
        location: `data.datasets.${name}.path`,
        hint: "point the dataset at fewer, larger files (shards) or at a sub-folder",
      });
    }
    const digests = await digestFiles(files, { log, what: `${name} file` });
    const records = digests.map((digest) => ({
      path: workspacePath(root, digest.path, `dataset ${name} file`),
      bytes: digest.bytes,
      sha256: digest.sha256,
    }));
    fingerprints.push({ name, fingerprint: filesFingerprint(records), files: records });
  }
  return fingerprints;
}
