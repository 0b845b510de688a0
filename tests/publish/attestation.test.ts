import { describe, expect, it } from "vitest";
import { ATTESTATION_SUBJECTS_MAX, UserError } from "@ctrain/core";
import { attestationSubjects, type ManifestFile } from "@ctrain/publish";

const file = (path: string, role: ManifestFile["role"], sha: string, parts = 1): ManifestFile => ({
  path,
  role,
  bytes: parts,
  sha256: sha.repeat(64),
  parts: Array.from({ length: parts }, (_, index) => ({ asset: `${index}`, bytes: 1, sha256: "f".repeat(64) })),
});

describe("attestation subjects", () => {
  it("are the model files whole, never their parts or the documents", () => {
    const subjects = attestationSubjects([
      file("model-card.md", "model-card", "1"),
      file("model/a.bin", "model", "2", 3),
      file("model/b.pkl", "model", "3"),
      file("run.json", "run", "4"),
    ]);
    expect(subjects).toEqual([
      { name: "model/a.bin", digest: { sha256: "2".repeat(64) } },
      { name: "model/b.pkl", digest: { sha256: "3".repeat(64) } },
    ]);
  });

  it("refuse more files than one attestation covers", () => {
    const many = Array.from({ length: ATTESTATION_SUBJECTS_MAX + 1 }, (_, index) =>
      file(`model/${index}`, "model", "a"),
    );
    expect(attestationSubjects(many.slice(0, ATTESTATION_SUBJECTS_MAX))).toHaveLength(ATTESTATION_SUBJECTS_MAX);
    expect(() => attestationSubjects(many)).toThrow(UserError);
  });
});
