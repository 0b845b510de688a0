import { describe, expect, it } from "vitest";
import { claimShare, generatePair, runVerdictExperiment } from "../../bench/aa-pairs.js";

/**
 * A small run of bench/verdicts.ts: on A/A pairs (two equally good models) a verdict may claim a change only about
 * as often as alpha allows; a clearly better candidate must come out improved.
 */
describe("compare verdicts on A/A and power pairs", () => {
  it("generates the same pair from the same seed, and a scale changes only the candidate", () => {
    const settings = { rows: 200, signal: 2, noise: 1.5, scale: 1 };
    const first = generatePair(7, settings);
    expect(generatePair(7, settings)).toEqual(first);
    const better = generatePair(7, { ...settings, scale: 0.5 });
    expect(better.yTrue).toEqual(first.yTrue);
    expect(better.baseline).toEqual(first.baseline);
    expect(better.candidate.score).not.toEqual(first.candidate.score);
  });

  it("claims a change on at most 15% of A/A verdicts and finds a clearly better roc_auc in 80% of seeds", async () => {
    const result = await runVerdictExperiment({ seeds: 40, rows: 500, resamples: 300, scales: [1, 0.5] });
    const aa = result.get(1)!;
    expect(aa.get("all")!.total).toBe(40 * 3);
    expect(aa.get("all")!.counts.skipped).toBe(0);
    expect(claimShare(aa.get("all")!)).toBeLessThanOrEqual(0.15);
    for (const metric of ["accuracy", "roc_auc", "f1"]) expect(claimShare(aa.get(metric)!)).toBeLessThanOrEqual(0.15);

    const auc = result.get(0.5)!.get("roc_auc")!;
    expect([...auc.methods]).toEqual(["delong"]);
    expect(auc.counts.improved / auc.total).toBeGreaterThanOrEqual(0.8);
  });
});
