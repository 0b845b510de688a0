import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRunName, parseParamOverrides, resolveParams, serializeParams } from "@ctrain/train";
import { tempDir } from "../support/temp-dir.js";

const dir = () => tempDir("ctrain-params-");

describe("parseParamOverrides", () => {
  it("reads key=value lines as YAML scalars", () => {
    expect(
      parseParamOverrides("model.lr=0.01\n# comment\n\ndepth=6\nname=resnet\nfast=true\nlayers=[64, 32]", "in"),
    ).toEqual({
      "model.lr": 0.01,
      depth: 6,
      name: "resnet",
      fast: true,
      layers: [64, 32],
    });
  });

  it("reads a JSON mapping such as toJSON(matrix), nested keys as dotted leaves", () => {
    expect(parseParamOverrides('{"lr": 0.1, "model": {"depth": 3}}', "in")).toEqual({ lr: 0.1, "model.depth": 3 });
  });

  it("names the line of a malformed override", () => {
    expect(() => parseParamOverrides("lr=0.1\nno equals sign", "input 'params'")).toThrow(
      /line 2: expected key=value .* got "no equals sign"/,
    );
  });
});

describe("resolveParams", () => {
  it("applies overrides by dotted key over a YAML file and flattens the DVC way", async () => {
    const cwd = dir();
    writeFileSync(join(cwd, "params.yaml"), "model:\n  lr: 0.1\n  layers: [64, 32]\nseed: 1\n");
    const params = await resolveParams(
      "params.yaml",
      { "model.lr": 0.01, "model.layers.1": 16, "data.split": 0.2 },
      cwd,
    );
    expect(params.tree).toEqual({ model: { lr: 0.01, layers: [64, 16] }, seed: 1, data: { split: 0.2 } });
    expect(params.flat).toEqual({
      "model.lr": 0.01,
      "model.layers.0": 64,
      "model.layers.1": 16,
      seed: 1,
      "data.split": 0.2,
    });
  });

  it("names the file, line and column of a YAML error", async () => {
    const cwd = dir();
    writeFileSync(join(cwd, "params.yaml"), "a: 1\nb: [1, 2\n");
    await expect(resolveParams("params.yaml", {}, cwd)).rejects.toMatchObject({
      location: expect.stringMatching(/params.yaml:\d+:\d+$/),
    });
  });

  it("refuses an override below a scalar and a missing file", async () => {
    await expect(resolveParams({ lr: 0.1 }, { "lr.max": 1 }, dir())).rejects.toThrow(
      /cannot set param lr.max: lr is 0.1/,
    );
    await expect(resolveParams("missing.yaml", {}, dir())).rejects.toThrow(/cannot read the params file: no such file/);
  });
});

describe("serializeParams", () => {
  it("writes NaN and infinities bare, as Python's json module reads them", () => {
    expect(serializeParams({ a: NaN, b: [Infinity, -Infinity], c: "NaN" })).toBe(
      '{\n  "a": NaN,\n  "b": [\n    Infinity,\n    -Infinity\n  ],\n  "c": "NaN"\n}\n',
    );
  });
});

describe("defaultRunName", () => {
  it("tells the jobs of a sweep apart", () => {
    expect(defaultRunName({}, "train")).toBe("train");
    expect(defaultRunName({ "model.lr": 0.01, depth: 6 }, "train")).toBe("train-model.lr-0.01_depth-6");
    const long = defaultRunName({ path: "x".repeat(200) }, "train");
    expect(long).toMatch(/^train-[0-9a-f]{12}$/);
  });
});
