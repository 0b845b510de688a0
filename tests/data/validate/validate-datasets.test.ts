import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteFile } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { Bundle, CtrainConfig, UserError, ValidationDocument, type ResolvedBaseline } from "@ctrain/core";
import { validateDatasets, type ValidationLog, type ValidationProgress } from "@ctrain/data";
import { workspace } from "../checks/support.js";

const GOOD = "id,x\n1,a\n2,b\n3,c\n";

function config(datasets: Record<string, Record<string, unknown>>, data: Record<string, unknown> = {}): CtrainConfig {
  return CtrainConfig.parse({ data: { datasets, ...data } });
}

function recordingLog(): ValidationLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(message),
    startGroup: (name) => lines.push(`::group::${name}`),
    endGroup: () => lines.push("::endgroup::"),
  };
}

/** Each bad input: the files, and what the one-line error must say. */
const BAD_INPUTS: {
  name: string;
  files: Record<string, string | Uint8Array>;
  path: string;
  location: RegExp;
  message: RegExp;
  data?: Record<string, unknown>;
  schema?: string;
}[] = [
  {
    name: "a missing file",
    files: {},
    path: "data/missing.csv",
    location: /^data\/missing\.csv$/,
    message: /file not found: data\/missing\.csv/,
  },
  { name: "an empty file", files: { "bad.csv": "" }, path: "bad.csv", location: /^bad\.csv/, message: /empty/ },
  {
    name: "an unterminated quote",
    files: { "bad.csv": 'id,x\n1,a\n2,"open\n3,c\n' },
    path: "bad.csv",
    location: /^bad\.csv:3$/,
    message: /quote/,
  },
  {
    name: "a ragged row",
    files: { "bad.csv": "id,x\n1,a\n2,b,extra\n" },
    path: "bad.csv",
    location: /^bad\.csv:3$/,
    message: /expected 2 fields.*got 3/,
  },
  {
    name: "invalid UTF-8",
    files: { "bad.csv": Buffer.concat([Buffer.from("id,x\n1,a\n2,"), Buffer.from([0xc3, 0x28]), Buffer.from("\n")]) },
    path: "bad.csv",
    location: /^bad\.csv:3/,
    message: /UTF-8/,
  },
  {
    name: "a line longer than max-line-bytes",
    files: { "bad.csv": `id,x\n1,a\n2,${"y".repeat(5000)}\n` },
    path: "bad.csv",
    data: { "max-line-bytes": 1024 },
    location: /^bad\.csv:3$/,
    message: /1024/,
  },
  {
    name: "a broken Parquet footer",
    files: { "bad.parquet": Buffer.from("PAR1 this is not parquet at all") },
    path: "bad.parquet",
    location: /^bad\.parquet$/,
    message: /not a valid Parquet file/,
  },
  {
    name: "an invalid JSON Schema",
    files: { "bad.csv": GOOD, "row.schema.json": '{"type": 12}' },
    path: "bad.csv",
    schema: "row.schema.json",
    location: /^row\.schema\.json$/,
    message: /^invalid JSON Schema: schema is invalid/,
  },
];

describe("validateDatasets", () => {
  for (const bad of BAD_INPUTS) {
    it(`reports ${bad.name} in one line and still validates the other datasets`, async () => {
      const dir = workspace({ "good.csv": GOOD, ...bad.files });
      const outcome = await validateDatasets(
        config(
          { good: { path: "good.csv" }, broken: { path: bad.path, ...(bad.schema ? { schema: bad.schema } : {}) } },
          bad.data,
        ),
        { cwd: dir },
      );
      expect(outcome.errors).toHaveLength(1);
      const error = outcome.errors[0]!;
      expect(error).toBeInstanceOf(UserError);
      expect(error.location).toMatch(bad.location);
      expect(error.message).toMatch(bad.message);
      expect(error.message).not.toContain("\n");
      const { validation } = outcome;
      expect(ValidationDocument.parse(JSON.parse(JSON.stringify(validation)))).toEqual(validation);
      expect(validation.success).toBe(false);
      expect(validation.errors).toEqual([expect.objectContaining({ location: error.location })]);
      expect(validation.datasets.map((dataset) => [dataset.name, dataset.success])).toEqual([
        ["good", true],
        ["broken", false],
      ]);
      expect(validation.datasets[0]!.rows).toBe(3);
      expect(outcome.profiles.map((profile) => profile.dataset)).toEqual(["good"]);
    });
  }

  it("records files with sha256 and the run.json-style fingerprint, and profiles in the same pass", async () => {
    const dir = workspace({ "data/a.csv": GOOD, "data/b.csv": "id,x\n4,d\n" });
    const outcome = await validateDatasets(config({ train: { path: "data/*.csv" } }), { cwd: dir });
    const dataset = outcome.validation.datasets[0]!;
    const sha256sum = spawnSync("sh", ["-c", "sha256sum data/a.csv data/b.csv | LC_ALL=C sort -k2 | sha256sum"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(dataset.fingerprint).toBe(sha256sum.stdout.split(" ")[0]);
    expect(dataset.files.map((file) => [file.path, file.bytes])).toEqual([
      ["data/a.csv", GOOD.length],
      ["data/b.csv", 9],
    ]);
    const sha = spawnSync("sha256sum", ["data/a.csv"], { cwd: dir, encoding: "utf8" }).stdout.split(" ")[0];
    expect(dataset.files[0]!.sha256).toBe(sha);
    expect(outcome.profiles[0]).toMatchObject({ dataset: "train", rows: 4, files: dataset.files });
  });

  it("logs each dataset in a group, with progress, and only the datasets asked for", async () => {
    const dir = workspace({ "a.csv": GOOD, "b.csv": GOOD });
    const log = recordingLog();
    const progress: ValidationProgress[] = [];
    const outcome = await validateDatasets(config({ a: { path: "a.csv" }, b: { path: "b.csv" } }), {
      cwd: dir,
      log,
      datasets: ["b"],
      onProgress: (p) => progress.push(p),
    });
    expect(outcome.validation.datasets.map((dataset) => dataset.name)).toEqual(["b"]);
    expect(log.lines[0]).toBe("::group::Validate dataset b");
    expect(log.lines.at(-1)).toBe("::endgroup::");
    expect(log.lines.some((line) => /^b: 3 rows in \d+\.\d+s/.test(line))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ dataset: "b", rows: 3, bytesRead: GOOD.length, totalBytes: GOOD.length });
    await expect(validateDatasets(config({ a: { path: "a.csv" } }), { cwd: dir, datasets: ["c"] })).rejects.toThrow(
      /no dataset named "c" in data.datasets/,
    );
  });

  it("reads Parquet and JSON Lines as well as CSV", async () => {
    const dir = workspace({ "rows.jsonl": '{"id":1,"x":"a"}\n{"id":2,"x":null}\n' });
    parquetWriteFile({
      filename: join(dir, "rows.parquet"),
      columnData: [
        { name: "id", data: [1, 2, 3], type: "INT32" },
        { name: "x", data: [0.5, NaN, Infinity], type: "DOUBLE" },
      ],
    });
    const outcome = await validateDatasets(
      config({
        json: { path: "rows.jsonl", columns: { x: { "max-null-share": 0.4 } } },
        parquet: { path: "rows.parquet", columns: { x: { type: "float" } } },
      }),
      { cwd: dir },
    );
    const [json, parquet] = outcome.validation.datasets;
    expect(json!.results.find((r) => r.check === "expect_column_values_to_not_be_null")).toMatchObject({
      success: false,
      result: { unexpected_count: 1, partial_unexpected_list: [{ value: null, file: "rows.jsonl", line: 2 }] },
    });
    const finite = parquet!.results.find((r) => r.check === "expect_column_values_to_be_finite")!;
    expect(finite.result.partial_unexpected_list).toEqual([
      { value: NaN, file: "rows.parquet", line: 2 },
      { value: Infinity, file: "rows.parquet", line: 3 },
    ]);
  });

  it("measures drift with the test a column overrides, matching scipy's ks_2samp", async () => {
    const sample = (seed: number, shift: number) => {
      let state = seed;
      return Array.from({ length: 300 }, () => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return Math.round((state / 2 ** 32 + shift) * 1000) / 1000;
      });
    };
    const [baselineValues, currentValues] = [sample(1, 0), sample(2, 0.1)];
    const dir = workspace({
      "base/data.csv": `v,w\n${baselineValues.map((v, i) => `${v},${i % 3}`).join("\n")}\n`,
      "data.csv": `v,w\n${currentValues.map((v, i) => `${v},${i % 3}`).join("\n")}\n`,
    });
    const base = await validateDatasets(config({ train: { path: "data.csv" } }), { cwd: join(dir, "base") });
    new Bundle(join(dir, "baseline")).writeProfile(base.profiles[0]!);
    const baseline: ResolvedBaseline = {
      origin: { kind: "path", description: "bundle folder baseline", notes: [] },
      bundle: new Bundle(join(dir, "baseline"), { untrusted: true }),
    };
    const outcome = await validateDatasets(
      config(
        {
          train: {
            path: "data.csv",
            columns: { v: { drift: { test: "ks", threshold: 0.01 } }, w: { drift: { test: "none" } } },
          },
        },
        { drift: { "fail-on-drift": true } },
      ),
      { cwd: dir, baseline },
    );
    const drift = outcome.validation.datasets[0]!.drift!;
    expect(drift.columns.map((column) => column.column)).toEqual(["v"]);
    const scipy = spawnSync(
      "/usr/bin/python3",
      [fileURLToPath(new URL("../../reference/drift_scipy.py", import.meta.url))],
      {
        input: JSON.stringify({ cases: [{ kind: "ks", x: baselineValues, y: currentValues }] }),
        encoding: "utf8",
      },
    );
    const [ks] = (JSON.parse(scipy.stdout) as { results: { statistic: number; pValue: number }[] }).results;
    const v = drift.columns[0]!;
    expect(v).toMatchObject({ test: "ks", threshold: 0.01, sampled: false, sampleSizes: [300, 300] });
    expect(v.statistic).toBeCloseTo(ks!.statistic, 12);
    expect(v.pValue).toBeCloseTo(ks!.pValue, 10);
    expect(v.drifted).toBe(ks!.pValue < 0.01);
    // fail-on-drift turns dataset drift into a failed dataset.
    expect(outcome.validation.datasets[0]!.success).toBe(!drift.datasetDrift);
    expect(drift.datasetDrift).toBe(true);
  });

  it("ignores a baseline profile that breaks its schema, and says so", async () => {
    const dir = workspace({ "data.csv": GOOD, "baseline/profile/train.json": '{"schema": "ctrain.profile/v1"}' });
    const log = recordingLog();
    const outcome = await validateDatasets(config({ train: { path: "data.csv" } }), {
      cwd: dir,
      log,
      baseline: {
        origin: { kind: "path", description: "bundle folder baseline", notes: [] },
        bundle: new Bundle(join(dir, "baseline"), { untrusted: true }),
      },
    });
    expect(outcome.validation.success).toBe(true);
    expect(outcome.validation.datasets[0]!.drift).toBeUndefined();
    expect(log.lines.join("\n")).toMatch(/the baseline's profile is unusable, so it is ignored/);
  });

  it("writes documents that the bundle accepts", async () => {
    const dir = workspace({ "data.csv": GOOD });
    const outcome = await validateDatasets(config({ train: { path: "data.csv", key: "id" } }), { cwd: dir });
    const bundle = new Bundle(join(dir, ".ctrain"));
    bundle.write("validation", outcome.validation);
    bundle.writeProfile(outcome.profiles[0]!);
    expect(JSON.parse(readFileSync(bundle.path("validation.json"), "utf8")).schema).toBe("ctrain.validation/v1");
    expect(new Bundle(join(dir, ".ctrain"), { untrusted: true }).readProfile("train").rows).toBe(3);
  });
});
