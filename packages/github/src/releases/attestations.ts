import type { GitHubClient } from "../client-timing.js";
import type { RepositoryRef } from "../context.js";
import { explainGitHubError } from "../errors.js";

/** The attestation lists GitHub returns hold at most this many per page; a model file has one per publish. */
const ATTESTATIONS_PER_PAGE = 30;

/**
 * The Sigstore bundles GitHub stores for a file's sha256 in a repository (what `gh attestation verify` reads). They
 * are untrusted until verified; none is an empty list.
 */
export async function findAttestations(
  client: GitHubClient,
  repository: RepositoryRef,
  sha256: string,
): Promise<unknown[]> {
  try {
    const { data } = await client.rest.repos.listAttestations({
      ...repository,
      subject_digest: `sha256:${sha256}`,
      per_page: ATTESTATIONS_PER_PAGE,
    });
    return (data.attestations ?? []).map((attestation) => attestation.bundle).filter((bundle) => bundle != null);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return [];
    explainGitHubError(error, "readAttestations", `read the attestations of sha256:${sha256}`);
  }
}
