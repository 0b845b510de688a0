import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UserError } from "@ctrain/core";
import { parseTrustedRoots, type AttestationCheck } from "@ctrain/publish";

/**
 * Attestations are verified when a trusted root is given, and then must exist with `require-attestation`; asking
 * for them without a root to verify against is refused rather than taken on trust.
 */
export function attestationCheck(
  inputs: { "require-attestation": boolean; "trusted-root"?: string; "signer-workflow"?: string },
  workspace: string,
  base: Pick<AttestationCheck, "find" | "signer">,
): AttestationCheck | undefined {
  const rootFile = inputs["trusted-root"];
  if (!rootFile) {
    if (!inputs["require-attestation"]) return undefined;
    throw new UserError("require-attestation is true, but no trusted root to verify the attestation against", {
      location: "input 'trusted-root'",
      hint: "write the roots with `gh attestation trusted-root > trusted_root.jsonl` and pass `trusted-root: trusted_root.jsonl`",
    });
  }
  const path = resolve(workspace, rootFile);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the trusted root ${rootFile}: ${(error as Error).message}`, {
      location: "input 'trusted-root'",
      hint: "name a file in the workspace, e.g. written by `gh attestation trusted-root > trusted_root.jsonl`",
    });
  }
  return {
    ...base,
    signer: { ...base.signer, ...(inputs["signer-workflow"] ? { workflow: inputs["signer-workflow"] } : {}) },
    trustedRoots: parseTrustedRoots(text, rootFile),
    required: inputs["require-attestation"],
  };
}
