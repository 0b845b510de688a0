import { ATTESTATION_SUBJECTS_MAX, UserError } from "@ctrain/core";
import type { ManifestFile } from "./manifest.js";

/** An in-toto subject as `@actions/attest` takes it. */
export interface AttestationSubject {
  name: string;
  digest: { sha256: string };
}

/**
 * The subjects of a provenance attestation: each model file whole (not its parts), so `gh attestation verify` works
 * on the file a deployment loads.
 */
export function attestationSubjects(files: readonly ManifestFile[]): AttestationSubject[] {
  const subjects = files
    .filter((file) => file.role === "model")
    .map((file) => ({ name: file.path, digest: { sha256: file.sha256 } }));
  if (subjects.length > ATTESTATION_SUBJECTS_MAX) {
    throw new UserError(
      `cannot attest ${subjects.length} model files: an attestation covers at most ${ATTESTATION_SUBJECTS_MAX}`,
      { location: "publish.attest", hint: "pack the model into fewer files (an archive), or set `attest: false`" },
    );
  }
  return subjects;
}
