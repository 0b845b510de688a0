import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { LocalModelRegistry } from "@ctrain/local";
import { fetchModel, publishModel, type AttestationCheck } from "@ctrain/publish";
import { sigstoreFixture, type Identity, type SigstoreFixture } from "./sigstore-fixture.js";
import { MODEL, makeWorkspace, publishConfig } from "./workspace.js";

const IDENTITY: Identity = {
  repository: "octo/models",
  workflow: ".github/workflows/release-model.yml@refs/heads/main",
};

let sigstore: SigstoreFixture;
beforeAll(async () => {
  sigstore = await sigstoreFixture();
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Publishes the workspace's model to a local registry, attesting its model files with the fixture's Sigstore
 * (as GitHub's attestations API would store them: by subject digest) unless `attest` is false.
 */
async function published(options: { attest: boolean; identity?: Identity }) {
  const workspace = makeWorkspace();
  const registryDir = mkdtempSync(join(tmpdir(), "ctrain-attested-registry-"));
  dirs.push(workspace.root, registryDir);
  const registry = new LocalModelRegistry(registryDir);
  const store = new Map<string, unknown[]>();
  await publishModel({
    bundle: workspace.bundle,
    modelRoot: workspace.root,
    model: MODEL,
    publish: publishConfig({ attest: options.attest }),
    registry,
    workDir: join(workspace.root, "tmp"),
    attest: async (subjects) => {
      const bundle = await sigstore.attest(
        subjects.map((subject) => ({ name: subject.name, sha256: subject.digest.sha256 })),
        options.identity ?? IDENTITY,
      );
      for (const subject of subjects) store.set(subject.digest.sha256, [bundle]);
    },
  });
  const check = (overrides: Partial<AttestationCheck> = {}): AttestationCheck => ({
    find: (sha256) => Promise.resolve(store.get(sha256) ?? []),
    trustedRoots: [sigstore.trustedRoot],
    signer: { repository: "octo/models", workflow: ".github/workflows/release-model.yml" },
    required: true,
    ...overrides,
  });
  return { registry, store, destination: join(workspace.root, "deploy"), check };
}

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

describe("fetching a model whose provenance is attested", () => {
  it("verifies every model file's attestation and says who signed it", async () => {
    const { registry, destination, check } = await published({ attest: true });
    const lines: string[] = [];
    const fetched = await fetchModel({
      registry,
      model: "churn",
      version: "latest",
      destination,
      attestation: check(),
      log: (line) => lines.push(line),
    });
    expect(fetched.release.tag).toBe("churn@v0.1.0");
    expect(lines.filter((line) => line.startsWith("verified the provenance"))).toEqual([
      "verified the provenance of model/out/config.json: signed by https://github.com/octo/models/.github/workflows/release-model.yml@refs/heads/main",
      "verified the provenance of model/out/model.pkl: signed by https://github.com/octo/models/.github/workflows/release-model.yml@refs/heads/main",
    ]);
  });

  it("fails with a clear message on a tampered attestation, and leaves no model behind", async () => {
    const { registry, store, destination, check } = await published({ attest: true });
    for (const [digest, bundles] of store) {
      const tampered = structuredClone(bundles[0]) as { dsseEnvelope: { signatures: { sig: string }[] } };
      const sig = Buffer.from(tampered.dsseEnvelope.signatures[0]!.sig, "base64");
      sig[sig.length - 1] = sig[sig.length - 1]! ^ 0x01;
      tampered.dsseEnvelope.signatures[0]!.sig = sig.toString("base64");
      store.set(digest, [tampered]);
    }
    const error = await refusal(
      fetchModel({ registry, model: "churn", version: "latest", destination, attestation: check() }),
    );
    expect(error.message).toMatch(
      /^churn@v0\.1\.0: model\/out\/config\.json: the provenance attestation does not verify against the trusted root: /,
    );
    expect(existsSync(destination)).toBe(false);
  });

  it("refuses an attestation from another workflow or repository", async () => {
    const { registry, destination, check } = await published({
      attest: true,
      identity: { repository: "octo/models", workflow: ".github/workflows/ci.yml@refs/heads/main" },
    });
    const error = await refusal(
      fetchModel({ registry, model: "churn", version: "latest", destination, attestation: check() }),
    );
    expect(error.message).toMatch(/model\/out\/config\.json: the provenance attestation was signed by the workflow/);
    const other = await refusal(
      fetchModel({
        registry,
        model: "churn",
        version: "latest",
        destination,
        attestation: check({ signer: { repository: "mallory/models" } }),
      }),
    );
    expect(other.message).toMatch(/was signed for the repository https:\/\/github\.com\/octo\/models, not/);
  });

  it("refuses a model without attestation when one is required, and only notes it otherwise", async () => {
    const { registry, destination, check } = await published({ attest: false });
    const error = await refusal(
      fetchModel({ registry, model: "churn", version: "latest", destination, attestation: check() }),
    );
    expect(error.message).toBe("churn@v0.1.0: model/out/config.json has no provenance attestation");
    expect(error.hint).toMatch(/attest: true/);

    const lines: string[] = [];
    await fetchModel({
      registry,
      model: "churn",
      version: "latest",
      destination,
      attestation: check({ required: false }),
      log: (line) => lines.push(line),
    });
    expect(lines).toContain("model/out/model.pkl: no provenance attestation found (not required)");
  });
});
