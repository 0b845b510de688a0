import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CompareConfig, RunDocument, isUserError } from "@ctrain/core";
import { compareRuns, type ComparisonSide } from "@ctrain/compare";
import { mcnemarFromCounts } from "@ctrain/metrics";

const dir = mkdtempSync(join(tmpdir(), "ctrain-compare-runs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A predictions file with an id key and a region slice; `wrong` rows are predicted wrong. */
function predictions(name: string, rows: number, wrong: (row: number) => boolean, order: number[] = []): string {
  const ids = order.length ? order : Array.from({ length: rows }, (_, row) => row);
  const lines = ["id,region,y_true,y_pred,score"];
  for (const row of ids) {
    const label = row % 2;
    const predicted = wrong(row) ? 1 - label : label;
    lines.push(
      `r${String(row).padStart(4, "0")},${row % 3 ? "eu" : "us"},${label},${predicted},${predicted ? 0.8 : 0.2}`,
    );
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

const side = (label: string, predictionsPath: string): ComparisonSide => ({
  label,
  metrics: {},
  params: {},
  predictionsPath,
});
const origin = { kind: "local" as const, description: "local run", notes: [] };

describe("compareRuns", () => {
  it("lists the examples whose outcome flipped: McNemar's b and c, first by key, with their slice", async () => {
    // Baseline wrong on every 10th row; the candidate fixes rows 0 and 10 and breaks rows 5, 15 and 25.
    const baselineWrong = (row: number) => row % 10 === 0;
    const candidateWrong = (row: number) => (row % 10 === 0 && row > 10) || row === 5 || row === 15 || row === 25;
    const shuffled = Array.from({ length: 400 }, (_, row) => (row * 7) % 400);
    const config = CompareConfig.parse({
      metrics: { accuracy: { direction: "higher" } },
      predictions: { key: "id", slice: "region" },
    });
    const { document } = await compareRuns({
      candidates: [side("candidate", predictions("candidate.csv", 400, candidateWrong, shuffled))],
      baseline: side("baseline", predictions("baseline.csv", 400, baselineWrong)),
      origin,
      config,
    });
    const examples = document.examples!;
    expect(examples.task).toBe("classification");
    expect(examples.key).toBe("id");
    expect([examples.worse.count, examples.better.count]).toEqual([3, 2]);
    expect(examples.worse.examples.map((example) => example.key)).toEqual(["r0005", "r0015", "r0025"]);
    expect(examples.better.examples.map((example) => [example.key, example.slice])).toEqual([
      ["r0000", "us"],
      ["r0010", "eu"],
    ]);
    expect(examples.worse.examples[0]).toMatchObject({ label: 1, baseline: 1, candidate: 0 });
    // The row's verdict rests on exactly these counts.
    const accuracy = document.rows.find((row) => row.name === "accuracy")!;
    expect(accuracy.evidence?.method).toBe("mcnemar");
    expect(accuracy.pValue).toBeCloseTo(mcnemarFromCounts(3, 2).pValue, 12);
    expect(accuracy.verdict).toBe("unchanged");
  });

  it("a sweep's leaderboard marks runs the paired test cannot tell from the best as tied", async () => {
    const config = CompareConfig.parse({
      metrics: { accuracy: { direction: "higher" } },
      objective: { metric: "accuracy", direction: "higher" },
    });
    const sweepSide = (name: string, wrong: (row: number) => boolean): ComparisonSide => {
      const path = predictions(`${name}.csv`, 1000, wrong);
      const errors = Array.from({ length: 1000 }, (_, row) => row).filter(wrong).length;
      return { label: name, metrics: { accuracy: 1 - errors / 1000 }, params: {}, predictionsPath: path };
    };
    const { document } = await compareRuns({
      candidates: [
        sweepSide("best", (row) => row % 10 === 0),
        sweepSide("close", (row) => row % 10 === 0 || row === 7),
        sweepSide("worse", (row) => row % 4 === 0),
      ],
      origin: { kind: "none", description: "no baseline", notes: [] },
      config,
    });
    const byName = Object.fromEntries(document.leaderboard!.map((entry) => [entry.name, entry]));
    expect(document.bestRun).toBe("best");
    expect(byName.best!.versusBest).toBeUndefined();
    expect(byName.close!.versusBest).toMatchObject({ method: "mcnemar", tied: true });
    expect(byName.worse!.versusBest).toMatchObject({ method: "mcnemar", tied: false });
    expect(byName.worse!.versusBest!.delta).toBeCloseTo(0.25 - 0.1, 12);
    // The runner-up is the test's baseline: b = 50 rows only it got right, c = 200 only the best got right.
    const expected = mcnemarFromCounts(50, 200).pValue;
    expect(byName.worse!.versusBest!.pValue! / expected).toBeCloseTo(1, 9);
    expect(byName.close!.versusBest!.pValue).toBe(1);
  });

  it("reads the task off the file: ranking metrics are evaluated and gated, and the comparison says why they are not paired", async () => {
    const ranking = (name: string, flip: boolean): string => {
      const lines = ["query_id,y_true,score"];
      for (let query = 0; query < 20; query++) {
        for (let doc = 0; doc < 5; doc++) lines.push(`q${query},${doc === 0 ? 1 : 0},${(flip ? doc : 5 - doc) / 5}`);
      }
      const path = join(dir, name);
      writeFileSync(path, lines.join("\n") + "\n");
      return path;
    };
    const config = CompareConfig.parse({
      metrics: { "ndcg@10": { direction: "higher", change: { absolute: -0.05 } } },
      predictions: { k: [10] },
    });
    const { document } = await compareRuns({
      candidates: [side("candidate", ranking("rank-candidate.csv", true))],
      baseline: side("baseline", ranking("rank-baseline.csv", false)),
      origin,
      config,
    });
    const ndcg = document.rows.find((row) => row.name === "ndcg@10")!;
    expect(ndcg.baseline).toBe(1);
    expect(ndcg.verdict).toBe("failed");
    expect(document.baseline.notes.join(" ")).toContain("paired tests do not cover ranking predictions yet");
  });

  it("a gate on a metric no run produced is a config error with did-you-mean", async () => {
    const config = CompareConfig.parse({ metrics: { acuracy: { direction: "higher", min: 0.5 } } });
    const path = predictions("only.csv", 40, () => false);
    try {
      await compareRuns({ candidates: [side("candidate", path)], baseline: side("baseline", path), origin, config });
      expect.unreachable();
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toContain('no run produced a metric named "acuracy"');
      expect((error as { hint?: string }).hint).toBe('did you mean "accuracy"?');
    }
  });

  it("without predictions, tests the change against the base branch's run-to-run noise", async () => {
    const config = CompareConfig.parse({ metrics: { rmse: { direction: "lower" } } });
    const historyRun = (rmse: number) =>
      RunDocument.parse({
        schema: "ctrain.run/v1",
        name: "train",
        createdAt: "2026-11-01T00:00:00Z",
        source: {},
        status: "succeeded",
        metrics: { rmse },
      });
    const history = [1.0, 1.02, 0.98, 1.01, 0.99].map(historyRun);
    const compare = (candidate: number) =>
      compareRuns({
        candidates: [{ label: "candidate", metrics: { rmse: candidate }, params: {} }],
        baseline: { label: "baseline", metrics: { rmse: 1.0 }, params: {} },
        origin,
        config,
        history,
      });
    // sd = 1.4826 x MAD 0.01; two runs differ with sd x sqrt(2) ~ 0.021.
    const inside = (await compare(0.97)).document.rows.find((row) => row.name === "rmse")!;
    expect(inside.evidence?.method).toBe("noise-band");
    expect(inside.verdict).toBe("unchanged");
    const outside = (await compare(0.9)).document.rows.find((row) => row.name === "rmse")!;
    expect(outside.verdict).toBe("improved");
    expect(outside.pValue).toBeLessThan(0.05);
    const flat = await compareRuns({
      candidates: [{ label: "candidate", metrics: { rmse: 0.9 }, params: {} }],
      baseline: { label: "baseline", metrics: { rmse: 1.0 }, params: {} },
      origin,
      config,
      history: [1, 1, 1, 1].map(historyRun),
    });
    const untested = flat.document.rows.find((row) => row.name === "rmse")!;
    expect(untested.verdict).toBe("unchanged");
    expect(untested.evidence?.note).toContain("a noise band needs 3 that vary");
  });

  it("counts a run restored from the run cache once: its copies do not narrow the noise band", async () => {
    const config = CompareConfig.parse({ metrics: { rmse: { direction: "lower" } } });
    const run = (rmse: number, cached = false) =>
      RunDocument.parse({
        schema: "ctrain.run/v1",
        name: "train",
        createdAt: "2026-11-01T00:00:00Z",
        source: {},
        status: "succeeded",
        metrics: { rmse },
        ...(cached ? { cached: { key: "k", source: {}, trainedAt: "2026-10-01T00:00:00Z" } } : {}),
      });
    const trained = [0.9, 1.1, 1.0, 0.95, 1.05].map((rmse) => run(rmse));
    // Four restorations of one training at 1.02: counted as runs, MAD 0.05 would fall to 0.02 and 0.9 read improved.
    const copies = [1.02, 1.02, 1.02, 1.02].map((rmse) => run(rmse, true));
    const { document } = await compareRuns({
      candidates: [{ label: "candidate", metrics: { rmse: 0.9 }, params: {} }],
      baseline: { label: "baseline", metrics: { rmse: 1.0 }, params: {} },
      origin,
      config,
      history: [...trained, ...copies],
    });
    const row = document.rows.find((candidate) => candidate.name === "rmse")!;
    expect(row.evidence?.method).toBe("noise-band");
    expect(row.evidence?.size).toBe(5);
    expect(row.verdict).toBe("unchanged");
  });

  it("says why a change went untested, and never labels it improved", async () => {
    const config = CompareConfig.parse({ metrics: { accuracy: { direction: "higher" } } });
    const { document } = await compareRuns({
      candidates: [
        side(
          "candidate",
          predictions("better.csv", 40, () => false),
        ),
      ],
      baseline: { label: "baseline", metrics: { accuracy: 0.5 }, params: {} },
      origin,
      config,
    });
    const accuracy = document.rows.find((row) => row.name === "accuracy")!;
    expect(accuracy.verdict).toBe("unchanged");
    expect(accuracy.evidence).toMatchObject({ method: "none" });
    expect(accuracy.evidence?.note).toContain("the baseline run has no predictions to pair with");
    expect(document.schema).toBe("ctrain.comparison/v2");
  });
});
