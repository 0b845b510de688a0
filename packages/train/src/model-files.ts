import { MODEL_FILES_MAX, UserError, type FileDigest } from "@ctrain/core";
import { digestFiles } from "./file-digest.js";
import { workspacePath } from "./file-patterns.js";
import { isPickleFile } from "./pickle.js";

export interface ModelFile extends FileDigest {
  /** Loading it runs code (pickle, joblib, torch.load without weights_only): load only from a trusted source. */
  pickle: boolean;
}

/** Size, sha256 and the pickle flag of each model file, with workspace-relative paths. */
export async function describeModelFiles(
  files: readonly string[],
  root: string,
  log?: (line: string) => void,
): Promise<ModelFile[]> {
  if (files.length > MODEL_FILES_MAX) {
    throw new UserError(
      `train.model-files matches ${files.length} files, more than the ${MODEL_FILES_MAX} a run records`,
      {
        location: "train.model-files",
        hint: "archive the folder (tar, zip) into one file, or narrow the pattern to the files a deployment needs",
      },
    );
  }
  const digests = await digestFiles(files, { log, what: "model file" });
  return Promise.all(
    digests.map(async (digest) => ({
      path: workspacePath(root, digest.path, "model file"),
      bytes: digest.bytes,
      sha256: digest.sha256,
      pickle: await isPickleFile(digest.path, digest.head),
    })),
  );
}
