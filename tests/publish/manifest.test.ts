import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import {
  AssetName,
  MANIFEST_MAX_BYTES,
  assetNameFor,
  parseManifest,
  partAssetName,
  serializeManifest,
  type Manifest,
} from "@ctrain/publish";

const hex = (char: string) => char.repeat(64);

function manifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    schema: "ctrain.manifest/v1",
    model: "churn",
    version: "1.2.0",
    tag: "churn@v1.2.0",
    createdAt: "2026-01-01T00:00:00.000Z",
    bundleDigest: hex("d"),
    source: { repository: "octo/models", commit: "a".repeat(40) },
    approval: { policy: "none", reason: "trusted", approvers: [] },
    files: [
      {
        path: "model-card.md",
        role: "model-card",
        bytes: 3,
        sha256: hex("1"),
        parts: [{ asset: "model-card.md", bytes: 3, sha256: hex("1") }],
      },
      {
        path: "model/weights.bin",
        role: "model",
        bytes: 10,
        sha256: hex("2"),
        pickle: false,
        parts: [
          { asset: "weights.bin.part-001-of-002", bytes: 6, sha256: hex("3") },
          { asset: "weights.bin.part-002-of-002", bytes: 4, sha256: hex("4") },
        ],
      },
      {
        path: "run.json",
        role: "run",
        bytes: 5,
        sha256: hex("5"),
        parts: [{ asset: "run.json", bytes: 5, sha256: hex("5") }],
      },
    ],
    ...overrides,
  };
}

const parse = (value: unknown) => parseManifest(JSON.stringify(value), "manifest.json");
function refused(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as UserError).message;
  }
  throw new Error("the manifest was accepted");
}

describe("manifest", () => {
  it("round-trips through serialize and parse", () => {
    const text = serializeManifest(manifest());
    expect(parseManifest(text, "manifest.json")).toEqual(manifest());
    expect(text.endsWith("\n")).toBe(true);
  });

  it("refuses paths that escape the folder", () => {
    for (const path of ["model/../../etc/passwd", "/etc/passwd", "model/../run.json", "C:/x", "model\\..\\..\\x"]) {
      const files = manifest().files.map((file) => (file.role === "model" ? { ...file, path } : file));
      expect(refused(manifest({ files })), path).toMatch(/files\.1\.path|relative path|must lie under/);
    }
  });

  it("refuses model files outside model/ and documents at other names", () => {
    const files = manifest().files.map((file) => (file.role === "run" ? { ...file, path: "model/run.json" } : file));
    expect(refused(manifest({ files }))).toMatch(/fixed names/);
  });

  it("lists one predictions file directly under predictions/", () => {
    const [card, model, run] = manifest().files;
    const predictions = (path: string) => ({
      path,
      role: "predictions" as const,
      bytes: 4,
      sha256: hex("7"),
      parts: [{ asset: path.replaceAll("/", "."), bytes: 4, sha256: hex("7") }],
    });
    const listed = [card!, model!, predictions("predictions/preds.csv"), run!];
    expect(parse(manifest({ files: listed })).files[2]!.role).toBe("predictions");
    for (const path of ["preds.csv", "model/preds.csv", "predictions/eval/preds.csv"]) {
      const files = [card!, model!, predictions(path), run!].sort((a, b) => (a.path < b.path ? -1 : 1));
      expect(refused(manifest({ files })), path).toMatch(/predictions directly in predictions\//);
    }
    const two = [card!, model!, predictions("predictions/a.csv"), predictions("predictions/b.csv"), run!];
    expect(refused(manifest({ files: two }))).toMatch(/more than one predictions file/);
  });

  it("refuses unsorted, repeated or case-colliding paths and repeated assets", () => {
    const [card, model, run] = manifest().files;
    expect(refused(manifest({ files: [model!, card!, run!] }))).toMatch(/sorted/);
    const twin = { ...model!, path: "model/Weights.bin", parts: [{ asset: "other", bytes: 10, sha256: hex("2") }] };
    expect(refused(manifest({ files: [card!, twin, model!, run!] }))).toMatch(/letter case/);
    const sameAsset = { ...model!, path: "model/x.bin", parts: [{ asset: "run.json", bytes: 10, sha256: hex("2") }] };
    expect(refused(manifest({ files: [card!, sameAsset, run!] }))).toMatch(/asset name is used twice/);
    const manifestAsset = { ...sameAsset, parts: [{ asset: "manifest.json", bytes: 10, sha256: hex("2") }] };
    expect(refused(manifest({ files: [card!, manifestAsset, run!] }))).toMatch(/asset name is used twice/);
  });

  it("refuses a file inside another file's path", () => {
    const [card, model, run] = manifest().files;
    const inner = { ...model!, path: "model/weights.bin/x", parts: [{ asset: "x", bytes: 10, sha256: hex("2") }] };
    expect(refused(manifest({ files: [card!, model!, inner, run!] }))).toMatch(/which is a file/);
  });

  it("refuses parts that do not add up, whole files with another digest, and a tag that does not match", () => {
    const [card, model, run] = manifest().files;
    const short = { ...model!, bytes: 11 };
    expect(refused(manifest({ files: [card!, short, run!] }))).toMatch(/add up/);
    const wrongWhole = { ...run!, parts: [{ asset: "run.json", bytes: 5, sha256: hex("6") }] };
    expect(refused(manifest({ files: [card!, model!, wrongWhole] }))).toMatch(/stored whole/);
    expect(refused(manifest({ tag: "churn@v1.2.1" }))).toMatch(/tag/);
    expect(refused(manifest({ files: [card!, model!] }))).toMatch(/no run file/);
  });

  it("refuses unknown keys, asset names GitHub would rename, and oversized text", () => {
    expect(refused({ ...manifest(), extra: 1 })).toMatch(/extra|Unrecognized/i);
    const [card, model, run] = manifest().files;
    const renamed = { ...run!, parts: [{ asset: "run json", bytes: 5, sha256: hex("5") }] };
    expect(refused(manifest({ files: [card!, model!, renamed] }))).toMatch(/asset name/);
    expect(() => parseManifest(" ".repeat(MANIFEST_MAX_BYTES + 1), "manifest.json")).toThrow(/larger than/);
  });

  it("never throws anything but a UserError on arbitrary JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parse(value);
        } catch (error) {
          expect(error).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});

describe("asset names", () => {
  it("are names GitHub keeps, for any path", () => {
    const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => !text.includes("/"));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const name = assetNameFor(segments.join("/"));
        expect(AssetName.safeParse(name).success, name).toBe(true);
      }),
    );
  });

  it("stay readable", () => {
    expect(assetNameFor("model.pkl")).toBe("model.pkl");
    expect(assetNameFor("weights/model v2.bin")).toBe("weights.model_v2.bin");
    expect(assetNameFor(".hidden")).toBe("_hidden");
  });

  it("number parts so they sort in order", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (count) => {
        const names = Array.from({ length: count }, (_, index) => partAssetName("m.bin", index, count));
        expect([...names].sort()).toEqual(names);
        expect(names[0]).toMatch(/part-0*1-of-0*\d+$/);
      }),
      { numRuns: 30 },
    );
  });
});
