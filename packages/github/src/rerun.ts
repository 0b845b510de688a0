/** GITHUB_RUN_ATTEMPT is 1 for a run's first attempt and counts up with each "Re-run jobs". */
function isRerunAttempt(env: NodeJS.ProcessEnv = process.env): boolean {
  return Number(env.GITHUB_RUN_ATTEMPT) > 1;
}

/**
 * On a re-run attempt, deletes the artifact named `name` that an earlier attempt of this run left, so the upload
 * that follows can take the name: a re-run is the same workflow run, and artifact names are unique per run. It goes
 * through the Actions runtime (ACTIONS_RUNTIME_TOKEN) as the upload does, so the job's token needs no `actions:
 * write`. A first attempt deletes nothing: a name taken then belongs to another job of the run (a matrix leg), and
 * the upload's error says so. Returns the deleted artifact's id.
 */
export async function deleteEarlierAttemptArtifact(name: string): Promise<number | undefined> {
  if (!isRerunAttempt()) return undefined;
  // Imported here, on first use, so that actions that never upload do not load the artifact toolkit at start.
  const { ArtifactNotFoundError, DefaultArtifactClient } = await import("@actions/artifact");
  try {
    // The toolkit logs the deletion ("Artifact '<name>' (ID: <id>) deleted").
    const { id } = await new DefaultArtifactClient().deleteArtifact(name);
    return id;
  } catch (error) {
    if (error instanceof ArtifactNotFoundError) return undefined;
    throw error;
  }
}
