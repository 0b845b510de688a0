import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectCurves } from "@ctrain/train";
import { tempDir } from "../support/temp-dir.js";

function folder(files: Record<string, string>): string {
  const dir = tempDir("ctrain-curves-");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const context = (dir: string) => ({ root: dir, workingDirectory: dir, startedAtMs: 0, ownFiles: new Set<string>() });

describe("collectCurves", () => {
  it("reads JSON Lines as Python writes them: nested keys, bare NaN, gaps; NaN points are left out and counted", async () => {
    const dir = folder({
      "curves.jsonl": [
        '{"step": 1, "train": {"loss": 0.9}, "val": {"loss": 1.0}}',
        '{"step": 2, "train": {"loss": NaN}}',
        "",
        '{"step": 3, "train": {"loss": 0.5}, "val": {"loss": 0.7}, "phase": "end"}',
      ].join("\n"),
    });
    const lines: string[] = [];
    const curves = await collectCurves(["curves.jsonl"], dir, context(dir), (line) => lines.push(line));
    expect(curves).toEqual([
      {
        metric: "train.loss",
        file: "curves.jsonl",
        points: [
          { step: 1, value: 0.9 },
          { step: 3, value: 0.5 },
        ],
      },
      {
        metric: "val.loss",
        file: "curves.jsonl",
        points: [
          { step: 1, value: 1 },
          { step: 3, value: 0.7 },
        ],
      },
    ]);
    expect(lines).toEqual(["curves.jsonl: 1 NaN/Infinity point(s) left out of the recorded curves"]);
  });

  it("uses the row number as the step when no step column exists, and TSV as CSV with tabs", async () => {
    const dir = folder({ "log.tsv": "loss\tacc\n0.5\t0.8\n0.4\t\n0.3\t0.9\n" });
    const curves = await collectCurves(["log.tsv"], dir, context(dir), () => undefined);
    expect(curves.map((curve) => [curve.metric, curve.points.map((point) => [point.step, point.value])])).toEqual([
      [
        "loss",
        [
          [0, 0.5],
          [1, 0.4],
          [2, 0.3],
        ],
      ],
      [
        "acc",
        [
          [0, 0.8],
          [2, 0.9],
        ],
      ],
    ]);
  });

  it("names the line of malformed JSON", async () => {
    const dir = folder({ "c.jsonl": '{"step": 1, "loss": 0.5}\n{"step": 2, "loss": }\n' });
    await expect(collectCurves(["c.jsonl"], dir, context(dir), () => undefined)).rejects.toMatchObject({
      location: expect.stringMatching(/c\.jsonl:2:\d+$/),
    });
  });
});
