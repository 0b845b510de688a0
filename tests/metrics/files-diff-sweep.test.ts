import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import {
  diffMarkdownTable,
  diffMetrics,
  dvcDiffJson,
  flattenMetrics,
  parseMetricText,
  rankRuns,
  readMetricFile,
} from "@ctrain/metrics";
import { tempDir } from "../support/temp-dir.js";

function userErrorOf(action: () => unknown): { message: string; location?: string } {
  try {
    action();
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return error as { message: string; location?: string };
  }
  throw new Error("expected a user error");
}

describe("metric files", () => {
  it("flattens nested JSON the DVC way and keeps NaN, Infinity, strings, booleans and null", () => {
    const file = parseMetricText(
      '{"train": {"loss": 0.25, "acc": NaN}, "eval": {"per_epoch": [0.5, Infinity, -Infinity]}, "model": "resnet", "ok": true, "note": null}',
      "metrics.json",
    );
    expect(file.metrics).toEqual({
      "train.loss": 0.25,
      "train.acc": { nonFinite: "NaN" },
      "eval.per_epoch.0": 0.5,
      "eval.per_epoch.1": { nonFinite: "Infinity" },
      "eval.per_epoch.2": { nonFinite: "-Infinity" },
      model: "resnet",
      ok: true,
      note: null,
    });
  });

  it("reads YAML, including .nan and .inf, and keeps a quoted 'NaN' a string", () => {
    const file = parseMetricText('a:\n  b: .nan\n  c: -.inf\nd: "NaN"\ne: 3\n', "metrics.yaml");
    expect(file.metrics).toEqual({ "a.b": { nonFinite: "NaN" }, "a.c": { nonFinite: "-Infinity" }, d: "NaN", e: 3 });
  });

  it("a JSON syntax error names the file, line and column", () => {
    const error = userErrorOf(() => parseMetricText('{\n  "acc": 0.9,\n  "loss": \n}', "out/metrics.json"));
    expect(error.location).toMatch(/^out\/metrics\.json:\d+:\d+$/);
    expect(error.message).toMatch(/JSON syntax error/);
  });

  it("a YAML syntax error names the line", () => {
    const error = userErrorOf(() => parseMetricText("a: [1, 2\nb: 3\n", "m.yml"));
    expect(error.location).toMatch(/^m\.yml:\d+:\d+$/);
  });

  it("duplicate keys, a top-level scalar and an unknown extension are user errors", () => {
    expect(userErrorOf(() => parseMetricText('{"a": 1, "a": 2}', "m.json")).message).toMatch(/unique/);
    expect(userErrorOf(() => parseMetricText("0.93", "m.json")).message).toMatch(/expected a mapping/);
    expect(userErrorOf(() => parseMetricText("a=1", "m.toml")).message).toMatch(/unsupported metric file type/);
  });

  it("reads from disk and reports a missing file as a user error", async () => {
    const dir = tempDir("ctrain-metrics-");
    writeFileSync(join(dir, "m.json"), '{"acc": 0.5}');
    expect((await readMetricFile(join(dir, "m.json"))).metrics).toEqual({ acc: 0.5 });
    await expect(readMetricFile(join(dir, "absent.json"))).rejects.toMatchObject({ name: "UserError" });
  });
});

describe("diff", () => {
  const before = flattenMetrics({ acc: 0.8, loss: 0.5, name: "a", gone: 1, same: 2, nan: Number.NaN, zero: 0 });
  const after = flattenMetrics({ acc: 0.85, loss: 0.5, name: "b", added: 3, same: 2, nan: Number.NaN, zero: 0.1 });
  const rows = diffMetrics(before, after);
  const byKey = Object.fromEntries(rows.map((row) => [row.key, row]));

  it("old/new/delta/relative delta, nulls where not a number, unchanged flagged", () => {
    expect(byKey.acc!.delta).toBeCloseTo(0.05, 12);
    expect(byKey.acc!.relativeDelta).toBeCloseTo(0.0625, 12);
    expect(byKey.loss!.changed).toBe(false);
    expect(byKey.name).toMatchObject({ delta: null, changed: true });
    expect(byKey.added).toMatchObject({ old: undefined, new: 3, delta: null, changed: true });
    expect(byKey.gone).toMatchObject({ old: 1, new: undefined, delta: null, changed: true });
    expect(byKey.nan).toMatchObject({ delta: null, changed: false });
    expect(byKey.zero).toMatchObject({ relativeDelta: null });
    expect(rows.map((row) => row.key)).toEqual(["acc", "loss", "name", "added", "same", "nan", "zero", "gone"]);
  });

  it("DVC-compatible JSON hides unchanged rows unless all", () => {
    const json = dvcDiffJson({ "metrics.json": rows });
    expect(json["metrics.json"]!.acc).toEqual({ old: 0.8, new: 0.85, diff: byKey.acc!.delta });
    expect(json["metrics.json"]!.loss).toBeUndefined();
    expect(dvcDiffJson({ "metrics.json": rows }, { all: true })["metrics.json"]!.nan).toEqual({
      old: "NaN",
      new: "NaN",
      diff: null,
    });
  });

  it("markdown table like dvc metrics diff --md, with escaped cells", () => {
    const table = diffMarkdownTable(
      { "metrics.json": diffMetrics({ "a|b": 1 / 3, acc: 0.8 }, { "a|b": 0.5, acc: 0.8, tag: "<x>" }) },
      { oldLabel: "main", newLabel: "workspace" },
    );
    expect(table).toBe(
      [
        "| Path | Metric | main | workspace | Change |",
        "|---|---|---|---|---|",
        "| metrics.json | a\\|b | 0.33333 | 0.5 | 0.16667 |",
        "| metrics.json | tag | - | &lt;x&gt; | - |",
        "",
      ].join("\n"),
    );
  });
});

describe("sweeps", () => {
  it("ranks by the objective, breaks ties by name, excludes runs without a finite value", () => {
    const board = rankRuns(
      [
        { name: "lr=0.1", metrics: { acc: 0.8 } },
        { name: "lr=0.01", metrics: { acc: 0.9 } },
        { name: "lr=0.03", metrics: { acc: 0.9 } },
        { name: "lr=1", metrics: { acc: { nonFinite: "NaN" } } },
        { name: "lr=3", metrics: { loss: 1 } },
      ],
      "acc",
      "higher",
    );
    expect(board.entries.map((e) => [e.rank, e.name, e.tied])).toEqual([
      [1, "lr=0.01", true],
      [2, "lr=0.03", true],
      [3, "lr=0.1", false],
    ]);
    expect(board.best?.name).toBe("lr=0.01");
    expect(board.excluded).toEqual([
      { name: "lr=1", reason: '"acc" is NaN' },
      { name: "lr=3", reason: 'no "acc" metric' },
    ]);
    expect(
      rankRuns(
        [
          { name: "a", metrics: { loss: 2 } },
          { name: "b", metrics: { loss: 1 } },
        ],
        "loss",
        "lower",
      ).best?.name,
    ).toBe("b");
  });
});
