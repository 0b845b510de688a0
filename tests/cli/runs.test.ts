import { describe, expect, it } from "vitest";
import type { StoredRun } from "@ctrain/local";
import { describeRun, newestFirst, runOutcome } from "../../packages/cli/src/commands/runs.js";

function stored(branch: string, sequence: number, createdAt: string, run: Partial<StoredRun["run"]> = {}): StoredRun {
  return {
    id: `${branch}/${sequence}`,
    branch,
    sequence,
    commit: "0123456789abcdef",
    dir: `/store/${branch}/${sequence}`,
    run: { status: "succeeded", createdAt, metrics: { accuracy: 0.9 }, verdicts: {}, ...run } as StoredRun["run"],
  };
}

describe("ctrain runs", () => {
  it("lists the runs of every branch newest first, not branch by branch", () => {
    const runs = [
      stored("feature", 1, "2026-05-02T10:00:00.000Z"),
      stored("main", 2, "2026-05-03T09:00:00.000Z"),
      stored("main", 1, "2026-05-01T09:00:00.000Z"),
      stored("zeta", 1, "2026-05-04T08:00:00.000Z"),
    ];
    expect(newestFirst(runs).map((run) => run.id)).toEqual(["zeta/1", "main/2", "feature/1", "main/1"]);
  });

  it("says what became of a run: gates or data that failed after a successful training", () => {
    expect(runOutcome(stored("main", 1, "t").run)).toBe("succeeded");
    expect(runOutcome(stored("main", 1, "t", { verdicts: { comparison: "failed" } }).run)).toBe("gates failed");
    expect(runOutcome(stored("main", 1, "t", { verdicts: { comparison: "passed", validation: "failed" } }).run)).toBe(
      "data failed",
    );
    expect(runOutcome(stored("main", 1, "t", { status: "failed", verdicts: { comparison: "failed" } }).run)).toBe(
      "failed",
    );
    expect(describeRun(stored("main", 3, "2026-05-01T09:00:00.000Z", { verdicts: { comparison: "failed" } }))).toMatch(
      /^main\/3\s+gates failed\s+0123456\s+2026-05-01T09:00:00\.000Z {2}accuracy=0\.9$/,
    );
  });
});
