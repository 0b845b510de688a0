import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CompareConfig, UserError } from "@ctrain/core";
import { loadPredictionsFile, readReleaseBaseline, sideOfBaseline } from "@ctrain/compare";
import { LocalModelRegistry } from "@ctrain/local";
import { mcnemarTest, pairClassifiers } from "@ctrain/metrics";
import { fetchModel, parseManifest, publishModel, serializeManifest } from "@ctrain/publish";
import { MODEL, PREDICTIONS_PATH, makeWorkspace, publishConfig, sha256 } from "./workspace.js";
import { tempDir } from "../support/temp-dir.js";

/** The champion's predictions: ids 1..8, right on all but ids 2 and 5. */
const CHAMPION = "id,y_true,y_pred\n1,0,0\n2,1,0\n3,1,1\n4,0,0\n5,0,1\n6,1,1\n7,0,0\n8,1,1\n";
/** The candidate's, in another order with a new slice column and a new row: right on all but id 7. */
const CANDIDATE =
  "region,y_pred,id,y_true\neu,1,8,1\nus,1,7,0\nus,1,2,1\neu,0,5,0\neu,0,1,0\nus,1,3,1\nus,0,4,0\neu,1,9,1\nus,1,6,1\n";

function setup(predictions: string | null = CHAMPION) {
  const workspace = makeWorkspace({ predictions: predictions ?? undefined });
  const registry = new LocalModelRegistry(tempDir("ctrain-registry-"));
  const publish = (partBytes?: number) =>
    publishModel({
      bundle: workspace.bundle,
      modelRoot: workspace.root,
      model: MODEL,
      publish: publishConfig(),
      registry,
      workDir: join(workspace.root, "tmp"),
      partBytes,
    });
  const baseline = () => readReleaseBaseline(registry, MODEL.name, "latest", join(workspace.root, "baselines"));
  return { workspace, registry, publish, baseline };
}

/** The stored file of a published version, by asset name. */
function storedFile(registry: LocalModelRegistry, asset: string): string {
  return join(registry.root, MODEL.name, "0.1.0", asset);
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

describe("a release carries the run's predictions", () => {
  it("lists them in the manifest with their sha256, and fetches them with the model", async () => {
    const { workspace, registry, publish } = setup();
    const result = await publish();
    const entry = result.manifest!.files.find((file) => file.role === "predictions");
    expect(entry).toMatchObject({
      path: "predictions/preds.csv",
      bytes: Buffer.byteLength(CHAMPION),
      sha256: sha256(CHAMPION),
      parts: [{ asset: "predictions.preds.csv" }],
    });
    expect(readFileSync(storedFile(registry, "predictions.preds.csv"), "utf8")).toBe(CHAMPION);
    const fetched = await fetchModel({
      registry,
      model: MODEL.name,
      version: "latest",
      destination: join(workspace.root, "deploy"),
    });
    expect(readFileSync(join(fetched.path, "predictions/preds.csv"), "utf8")).toBe(CHAMPION);
  });

  it("keeps the bundle's identity: the run record already holds the predictions' digest", async () => {
    const { publish } = setup();
    const first = await publish();
    expect((await publish()).outcome).toBe("unchanged");
    expect(first.release.bundleDigest).toBe(first.manifest!.bundleDigest);
  });

  it("refuses predictions changed since the run recorded them", async () => {
    const { workspace, publish } = setup();
    writeFileSync(workspace.bundle.path(PREDICTIONS_PATH), CHAMPION.replace("2,1,0", "2,1,1"));
    const error = await refusal(publish());
    expect(error.message).toBe("the predictions file predictions/preds.csv recorded by the run is changed");
    rmSync(workspace.bundle.path(PREDICTIONS_PATH));
    expect((await refusal(publish())).message).toMatch(/predictions\/preds\.csv recorded by the run is missing/);
  });
});

describe("a release:<tag|latest> baseline pairs with the champion's predictions", () => {
  it("exposes the verified predictions as the baseline's, so the candidate's rows pair by id", async () => {
    const { publish, baseline } = setup();
    await publish();
    const resolved = await baseline();
    expect(resolved.origin).toMatchObject({ kind: "release", release: "churn@v0.1.0", notes: [] });
    expect(resolved.metrics).toEqual({ accuracy: 0.91, "loss.val": 0.25 });
    const side = sideOfBaseline(resolved)!;
    expect(readFileSync(side.predictionsPath!, "utf8")).toBe(CHAMPION);
    expect(side.params).toEqual({});

    const config = CompareConfig.parse({ predictions: { slice: "region" } }).predictions;
    const candidateFile = join(tempDir("ctrain-candidate-"), "preds.csv");
    writeFileSync(candidateFile, CANDIDATE);
    const champion = await loadPredictionsFile(side.predictionsPath!, config);
    const candidate = await loadPredictionsFile(candidateFile, config);
    if (champion.task !== "binary" || candidate.task !== "binary") throw new Error("binary classifiers");
    const paired = pairClassifiers(champion.predictions, candidate.predictions);
    expect(paired.pairing).toMatchObject({ by: "key", keyColumn: "id", paired: 8, baselineOnly: 0, candidateOnly: 1 });
    expect(paired.pairing.keys).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    expect(paired.pairing.slice?.values).toEqual(["eu", "us", "us", "us", "eu", "us", "us", "eu"]);
    // The champion alone is right on id 7, the candidate alone on ids 2 and 5.
    expect(mcnemarTest(paired)).toMatchObject({ baselineOnlyCorrect: 1, candidateOnlyCorrect: 2 });
  });

  it("reassembles predictions stored in parts", async () => {
    const { registry, publish, baseline } = setup();
    await publish(20);
    expect(existsSync(storedFile(registry, "predictions.preds.csv.part-001-of-004"))).toBe(true);
    expect(readFileSync(sideOfBaseline(await baseline())!.predictionsPath!, "utf8")).toBe(CHAMPION);
  });

  it("says paired tests are impossible for a release published before releases carried predictions", async () => {
    const { registry, publish, baseline } = setup();
    await publish();
    // What an earlier ctrain published: the same run record, no predictions asset in the manifest.
    const manifestFile = storedFile(registry, "manifest.json");
    const manifest = parseManifest(readFileSync(manifestFile, "utf8"), "manifest.json");
    writeFileSync(
      manifestFile,
      serializeManifest({ ...manifest, files: manifest.files.filter((file) => file.role !== "predictions") }),
    );
    rmSync(storedFile(registry, "predictions.preds.csv"));
    const resolved = await baseline();
    expect(resolved.origin.notes).toEqual([
      "paired tests are impossible: release churn@v0.1.0 has no predictions (it was published before releases carried them)",
    ]);
    expect(resolved.metrics).toEqual({ accuracy: 0.91, "loss.val": 0.25 });
    expect(sideOfBaseline(resolved)?.predictionsPath).toBeUndefined();
  });

  it("says so when the champion's run recorded no predictions", async () => {
    const { publish, baseline } = setup(null);
    await publish();
    expect((await baseline()).origin.notes).toEqual([
      "paired tests are impossible: release churn@v0.1.0 has no predictions (its run recorded none)",
    ]);
  });

  it("refuses a predictions asset whose content no longer matches its digest", async () => {
    const { workspace, registry, publish, baseline } = setup();
    await publish();
    // Same size, other rows: only the digest tells.
    writeFileSync(storedFile(registry, "predictions.preds.csv"), CHAMPION.replace("2,1,0", "2,1,1"));
    const error = await refusal(baseline());
    expect(error.message).toMatch(
      /^churn@v0\.1\.0 .*: predictions\.preds\.csv downloaded as \d+ bytes with sha256 [0-9a-f]{64}; the manifest says/,
    );
    expect(error.hint).toMatch(/altered after publishing/);
    expect(existsSync(join(workspace.root, "baselines", "release-churn_v0.1.0"))).toBe(false);
  });

  it("refuses predictions whose manifest entry disagrees with the run record", async () => {
    const { registry, publish, baseline } = setup();
    await publish();
    // A consistent manifest and asset, but not the predictions the run evaluated.
    const other = CHAMPION.replace("2,1,0", "2,1,1");
    writeFileSync(storedFile(registry, "predictions.preds.csv"), other);
    const manifestFile = storedFile(registry, "manifest.json");
    const manifest = parseManifest(readFileSync(manifestFile, "utf8"), "manifest.json");
    const files = manifest.files.map((file) =>
      file.role === "predictions"
        ? { ...file, sha256: sha256(other), parts: [{ ...file.parts[0]!, sha256: sha256(other) }] }
        : file,
    );
    writeFileSync(manifestFile, serializeManifest({ ...manifest, files }));
    const error = await refusal(baseline());
    expect(error.message).toMatch(
      /predictions\/preds\.csv is listed as \d+ bytes with sha256 [0-9a-f]{64}; the run record says \d+ bytes with sha256/,
    );
  });
});
