import { ArtifactNotFoundError, DefaultArtifactClient } from "@actions/artifact";
import { uploadBundleArtifact } from "../artifacts.js";

/**
 * Uploads the report bundle, first deleting an artifact of the same name from an earlier attempt of this run:
 * a re-run job is the same workflow run, and artifact names are unique per run.
 */
export async function replaceReportArtifact(options: { dir: string; name: string }): Promise<number | undefined> {
  try {
    await new DefaultArtifactClient().deleteArtifact(options.name);
  } catch (error) {
    if (!(error instanceof ArtifactNotFoundError)) throw error;
  }
  const { id } = await uploadBundleArtifact({ dir: options.dir, name: options.name });
  return id;
}
