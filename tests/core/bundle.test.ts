import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLE_DOCUMENT_MAX_BYTES, Bundle, UserError, confinedPath, type RunDocument } from "@ctrain/core";
import { tempDir } from "../support/temp-dir.js";

function runDocument(overrides: Partial<RunDocument> = {}): RunDocument {
  return {
    schema: "ctrain.run/v1",
    name: "default",
    createdAt: "2026-11-30T10:00:00.000Z",
    source: { repository: "acme/churn", commit: "a".repeat(40) },
    status: "succeeded",
    logTail: [],
    params: { "model.depth": 4 },
    metrics: { accuracy: 0.91, loss: NaN, "ratio.up": Infinity, "ratio.down": -Infinity, note: "ok" },
    metricFiles: [],
    curves: [],
    datasets: [],
    model: { files: [] },
    verdicts: {},
    ...overrides,
  };
}

describe("run bundle", () => {
  it("round-trips documents, NaN and infinities included", () => {
    const bundle = new Bundle(tempDir("ctrain-bundle-"));
    bundle.write("run", runDocument());
    const text = readFileSync(bundle.path("run.json"), "utf8");
    expect(text).toContain('"$float": "NaN"');
    const read = bundle.read("run");
    expect(read.metrics.loss).toBeNaN();
    expect(read.metrics["ratio.up"]).toBe(Infinity);
    expect(read.metrics["ratio.down"]).toBe(-Infinity);
    expect(read.metrics.note).toBe("ok");
  });

  it("writes atomically and leaves no temporary files", () => {
    const dir = tempDir("ctrain-bundle-");
    const bundle = new Bundle(dir);
    for (let i = 0; i < 5; i++) bundle.write("run", runDocument({ name: `run-${i}` }));
    expect(readdirSync(dir)).toEqual(["run.json"]);
  });

  it("refuses to write a document that breaks its schema", () => {
    const bundle = new Bundle(tempDir("ctrain-bundle-"));
    expect(() => bundle.write("run", { ...runDocument(), status: "maybe" as never })).toThrow();
  });

  it("names the file and key of a schema violation in a document from another run", () => {
    const dir = tempDir("ctrain-bundle-");
    writeFileSync(join(dir, "run.json"), JSON.stringify({ ...runDocument(), metrics: { accuracy: [1] } }));
    const error = (() => {
      try {
        new Bundle(dir, { untrusted: true }).read("run");
      } catch (caught) {
        return caught as UserError;
      }
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error?.location).toMatch(/run\.json$/);
    expect(error?.message).toMatch(/^metrics\.accuracy: /);
  });

  it("rejects a document over the size limit before parsing it", () => {
    const dir = tempDir("ctrain-bundle-");
    writeFileSync(join(dir, "run.json"), Buffer.alloc(BUNDLE_DOCUMENT_MAX_BYTES + 1, 32));
    expect(() => new Bundle(dir, { untrusted: true }).read("run")).toThrow(/more than the/);
  });

  it("rejects links inside an untrusted bundle", () => {
    const dir = tempDir("ctrain-bundle-");
    symlinkSync("/etc/passwd", join(dir, "run.json"));
    expect(() => new Bundle(dir, { untrusted: true })).toThrow(/symbolic link/);
  });

  it("rejects paths that escape the bundle", () => {
    const dir = tempDir("ctrain-bundle-");
    expect(() => confinedPath(dir, "../outside.json")).toThrow(/escapes/);
    expect(() => confinedPath(dir, "/etc/passwd")).toThrow(/escapes/);
    expect(confinedPath(dir, "profile/train.json")).toBe(join(dir, "profile/train.json"));
    expect(() => new Bundle(dir).readProfile("../../etc")).toThrow(/escapes/);
  });

  it("rejects relative paths with '..' in recorded file digests", () => {
    const bundle = new Bundle(tempDir("ctrain-bundle-"));
    const bad = runDocument({
      model: { files: [{ path: "../model.pkl", bytes: 1, sha256: "0".repeat(64), pickle: true }] },
    });
    expect(() => bundle.write("run", bad)).toThrow(/relative path/);
  });

  it("lists profiles", () => {
    const dir = tempDir("ctrain-bundle-");
    mkdirSync(join(dir, "profile"));
    const bundle = new Bundle(dir);
    bundle.writeProfile({
      schema: "ctrain.profile/v1",
      dataset: "train",
      createdAt: "2026-11-30T10:00:00Z",
      rows: 0,
      files: [],
      columns: {},
    });
    expect(bundle.listProfiles()).toEqual(["train"]);
    expect(bundle.readProfile("train").rows).toBe(0);
  });
});
