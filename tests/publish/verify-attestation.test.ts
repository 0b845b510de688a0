import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { parseTrustedRoots, verifyAttestation, type ExpectedSigner } from "@ctrain/publish";
import { sigstoreFixture, type Identity, type SigstoreFixture } from "./sigstore-fixture.js";

const MODEL = { path: "model/model.joblib", sha256: "a".repeat(64) };
const IDENTITY: Identity = {
  repository: "octo/churn",
  workflow: ".github/workflows/release-model.yml@refs/heads/main",
};
const SIGNER: ExpectedSigner = { repository: "octo/churn", workflow: ".github/workflows/release-model.yml" };

let sigstore: SigstoreFixture;
let valid: Record<string, unknown>;

beforeAll(async () => {
  sigstore = await sigstoreFixture();
  valid = await sigstore.attest([{ name: "model.joblib", sha256: MODEL.sha256 }], IDENTITY);
});

type Bundle = {
  verificationMaterial: { tlogEntries: unknown[] };
  dsseEnvelope: { payload: string; signatures: { sig: string }[] };
};

/** A deep copy to tamper with. */
const copy = () => structuredClone(valid) as Bundle & Record<string, unknown>;

async function failure(bundle: unknown, signer = SIGNER, files = [MODEL]): Promise<UserError> {
  const error = await verifyAttestation(bundle, [sigstore.trustedRoot], signer, files).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("verifyAttestation against a locally generated trusted root", () => {
  it("accepts the attestation of the expected repository and workflow that covers the file", async () => {
    const result = await verifyAttestation(valid, [sigstore.trustedRoot], SIGNER, [MODEL]);
    expect(result).toEqual({
      signerWorkflow: "https://github.com/octo/churn/.github/workflows/release-model.yml@refs/heads/main",
      predicateType: "https://slsa.dev/provenance/v1",
    });
    // The workflow may be named with its repository, and a root among others verifies.
    const other = await sigstoreFixture();
    await expect(
      verifyAttestation(
        valid,
        [other.trustedRoot, sigstore.trustedRoot],
        {
          repository: "octo/churn",
          workflow: "octo/churn/.github/workflows/release-model.yml",
        },
        [MODEL],
      ),
    ).resolves.toBeDefined();
  });

  it("refuses a file whose digest the attestation does not cover", async () => {
    const error = await failure(valid, SIGNER, [{ ...MODEL, sha256: "b".repeat(64) }]);
    expect(error.message).toBe(
      `the provenance attestation does not cover model/model.joblib (sha256 ${"b".repeat(64)})`,
    );
  });

  it("refuses another repository's attestation", async () => {
    const error = await failure(valid, { ...SIGNER, repository: "octo/other" });
    expect(error.message).toBe(
      "the provenance attestation was signed for the repository https://github.com/octo/churn, not https://github.com/octo/other",
    );
  });

  it("refuses an attestation signed by another workflow", async () => {
    const error = await failure(valid, { ...SIGNER, workflow: ".github/workflows/ci.yml" });
    expect(error.message).toMatch(
      /was signed by the workflow https:\/\/github\.com\/octo\/churn\/\.github\/workflows\/release-model\.yml@refs\/heads\/main, not https:\/\/github\.com\/octo\/churn\/\.github\/workflows\/ci\.yml$/,
    );
    // A prefix of the workflow's name is not the workflow.
    expect((await failure(valid, { ...SIGNER, workflow: ".github/workflows/release-model" })).message).toMatch(
      /was signed by the workflow/,
    );
  });

  it("refuses a flipped signature, and a statement changed after signing", async () => {
    const flipped = copy();
    const sig = Buffer.from(flipped.dsseEnvelope.signatures[0]!.sig, "base64");
    sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
    flipped.dsseEnvelope.signatures[0]!.sig = sig.toString("base64");
    expect((await failure(flipped)).message).toMatch(
      /^the provenance attestation does not verify against the trusted root: /,
    );

    const altered = copy();
    const statement = JSON.parse(Buffer.from(altered.dsseEnvelope.payload, "base64").toString("utf8")) as {
      subject: { digest: { sha256: string } }[];
    };
    statement.subject[0]!.digest.sha256 = "b".repeat(64);
    altered.dsseEnvelope.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
    const error = await failure(altered, SIGNER, [{ ...MODEL, sha256: "b".repeat(64) }]);
    expect(error.message).toMatch(/does not verify against the trusted root/);
    expect(error.hint).toMatch(/gh attestation trusted-root/);
  });

  it("refuses a certificate from a CA the root does not trust, a wrong issuer, and a bundle without a timestamp", async () => {
    const foreign = await sigstore.attest([{ name: "model.joblib", sha256: MODEL.sha256 }], IDENTITY, {
      ca: "foreign",
    });
    expect((await failure(foreign)).message).toMatch(/does not verify against the trusted root/);

    const otherIssuer = await sigstore.attest([{ name: "model.joblib", sha256: MODEL.sha256 }], {
      ...IDENTITY,
      issuer: "https://accounts.example.com",
    });
    expect((await failure(otherIssuer)).message).toMatch(/does not verify against the trusted root: .*issuer/i);

    const untimed = copy();
    untimed.verificationMaterial.tlogEntries = [];
    expect((await failure(untimed)).message).toBe(
      "the provenance attestation carries no timestamp from a transparency log or a timestamp authority",
    );
    expect((await failure({ mediaType: "text/plain" })).message).toMatch(/is not a Sigstore bundle/);
  });
});

describe("parseTrustedRoots", () => {
  it("reads one JSON document, pretty-printed or not, and JSON Lines of several", () => {
    const root = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [] };
    expect(parseTrustedRoots(JSON.stringify(root, null, 2), "root.json")).toEqual([root]);
    expect(
      parseTrustedRoots(`${JSON.stringify(root)}\n${JSON.stringify({ ...root, tlogs: [1] })}\n`, "r.jsonl"),
    ).toEqual([root, { ...root, tlogs: [1] }]);
    expect(() => parseTrustedRoots("not json", "roots.jsonl")).toThrow(/roots\.jsonl is not a Sigstore trusted root/);
  });
});
