import { UserError } from "@ctrain/core";
import type { AttestationSubject } from "@ctrain/publish";
import { explainGitHubError } from "../errors.js";

const PERMISSIONS_HINT =
  "add `permissions:` with `id-token: write`, `attestations: write` and `artifact-metadata: write` to the job, " +
  "or set `attest: false` (attestations in private repositories need GitHub Enterprise Cloud)";

/** Signs SLSA build provenance over the model files with Sigstore and stores it with GitHub's attestations. */
export async function attestModelFiles(
  subjects: AttestationSubject[],
  token: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ attestationId?: string }> {
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    throw new UserError("cannot attest provenance: the job has no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is unset)", {
      location: "publish.attest",
      hint: PERMISSIONS_HINT,
    });
  }
  // Imported on first use: Sigstore's signing stack is the heaviest toolkit, and only publish with `attest` needs it.
  const { attestProvenance } = await import("@actions/attest");
  try {
    const attestation = await attestProvenance({ subjects, token });
    return { attestationId: attestation.attestationID };
  } catch (error) {
    explainGitHubError(error, "attest", "store the provenance attestation");
  }
}
