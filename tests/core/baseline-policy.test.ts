import { describe, expect, it } from "vitest";
import {
  BASELINE_SEARCH_BUDGET,
  Bundle,
  RunDocument,
  UserError,
  chooseBaselineRun,
  parseBaselineSpec,
  trustedRunRecords,
  untrustedWorkflowRunReason,
  type RunHistory,
} from "@ctrain/core";

interface MemoryRun {
  id: number;
  commit: string;
  accuracy: number;
  status?: RunDocument["status"];
  comparison?: RunDocument["verdicts"]["comparison"];
  /** Why the host cannot open it (expired, rejected). */
  unopenable?: string;
}

/** A linear history `c0 <- c1 <- ...` plus commits outside it, and runs newest first. */
function memoryHistory(runs: MemoryRun[], options: { linear: string[] }) {
  const calls = { ancestry: 0, opened: [] as number[] };
  const history: RunHistory<MemoryRun> = {
    trustedRuns: async () => runs,
    async commitsBetween(ancestor, descendant) {
      calls.ancestry++;
      const from = options.linear.indexOf(ancestor);
      const to = options.linear.indexOf(descendant);
      return from >= 0 && to >= from ? to - from : undefined;
    },
    async open(run) {
      calls.opened.push(run.id);
      if (run.unopenable) return run.unopenable;
      const record = RunDocument.parse({
        schema: "ctrain.run/v1",
        name: "train",
        createdAt: "2026-01-01T00:00:00.000Z",
        source: { commit: run.commit },
        status: run.status ?? "succeeded",
        metrics: { accuracy: run.accuracy },
        verdicts: run.comparison ? { comparison: run.comparison } : {},
      });
      return { bundle: new Bundle("/nonexistent", { untrusted: true }), record };
    },
  };
  return { history, calls };
}

const sha = (n: number) => n.toString(16).padStart(40, "0");
const linear = Array.from({ length: 30 }, (_, n) => sha(n + 1));

describe("parseBaselineSpec", () => {
  it("parses every kind", () => {
    expect(parseBaselineSpec("auto")).toEqual({ kind: "auto" });
    expect(parseBaselineSpec("none")).toEqual({ kind: "none" });
    expect(parseBaselineSpec("branch:release/2.x")).toEqual({ kind: "branch", branch: "release/2.x" });
    expect(parseBaselineSpec("release:latest")).toEqual({ kind: "release", release: "latest" });
    expect(parseBaselineSpec("release:>=1.2 <2")).toEqual({ kind: "release", release: ">=1.2 <2" });
    expect(parseBaselineSpec("run:123")).toEqual({ kind: "run", run: "123" });
    expect(parseBaselineSpec("run:main/4")).toEqual({ kind: "run", run: "main/4" });
    expect(parseBaselineSpec("git:v1.0")).toEqual({ kind: "git", ref: "v1.0" });
    expect(parseBaselineSpec("path:../other/.ctrain")).toEqual({ kind: "path", folder: "../other/.ctrain" });
  });

  it.each([
    ["yesterday", /unknown baseline "yesterday"/],
    ["branch:", /expected branch:<branch> with a branch name/],
    ["branch:-x", /a branch name/],
    ["branch:a..b", /a branch name/],
    ["git:--output=/tmp/x", /a git ref/],
    ["run:abc", /a run id/],
    ["path:a\nb", /a bundle folder/],
  ])("rejects %j with a UserError that names the key and the kinds", (spec, message) => {
    let error: unknown;
    try {
      parseBaselineSpec(spec, "--baseline");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(message);
    expect((error as UserError).location).toBe("--baseline");
    expect((error as UserError).hint).toContain("branch:<name>");
  });
});

describe("untrustedWorkflowRunReason", () => {
  const ok = { event: "push", conclusion: "success", headRepository: "octo/churn" };
  it("trusts only this repository's own successful push, schedule and dispatch runs", () => {
    for (const event of ["push", "schedule", "workflow_dispatch"])
      expect(untrustedWorkflowRunReason({ ...ok, event }, "octo/churn")).toBeUndefined();
    expect(untrustedWorkflowRunReason({ ...ok, headRepository: "Octo/Churn" }, "octo/churn")).toBeUndefined();
    expect(untrustedWorkflowRunReason({ ...ok, event: "pull_request" }, "octo/churn")).toContain("pull_request");
    expect(untrustedWorkflowRunReason({ ...ok, event: "pull_request_target" }, "octo/churn")).toBeDefined();
    expect(untrustedWorkflowRunReason({ ...ok, headRepository: "mallory/churn" }, "octo/churn")).toContain(
      "mallory/churn",
    );
    expect(untrustedWorkflowRunReason({ ...ok, headRepository: undefined }, "octo/churn")).toBeDefined();
    expect(untrustedWorkflowRunReason({ ...ok, conclusion: "failure" }, "octo/churn")).toContain("failure");
  });
});

describe("chooseBaselineRun", () => {
  it("takes the run at the target commit, newest first", async () => {
    const { history } = memoryHistory(
      [
        { id: 3, commit: linear[5]!, accuracy: 0.3 },
        { id: 2, commit: linear[4]!, accuracy: 0.2 },
        { id: 1, commit: linear[4]!, accuracy: 0.1 },
      ],
      { linear },
    );
    const choice = await chooseBaselineRun(history, { branch: "main", target: linear[4] });
    expect(choice.found && choice.run.id).toBe(2);
    expect(choice.found && choice.commitsBehind).toBe(0);
  });

  it("falls back to the nearest older ancestor and says how far behind it is and why others were passed over", async () => {
    const outside = "f".repeat(40);
    const { history } = memoryHistory(
      [
        { id: 4, commit: outside, accuracy: 0.9 },
        { id: 3, commit: linear[3]!, accuracy: 0.9, comparison: "failed" },
        { id: 2, commit: linear[2]!, accuracy: 0.5, unopenable: "run 2's artifact has expired" },
        { id: 1, commit: linear[1]!, accuracy: 0.7 },
      ],
      { linear },
    );
    const choice = await chooseBaselineRun(history, { branch: "main", target: linear[4] });
    if (!choice.found) throw new Error("expected a baseline");
    expect(choice.run.id).toBe(1);
    expect(choice.commitsBehind).toBe(3);
    expect(choice.notes[0]).toContain("3 commits behind");
    expect(choice.notes.join("\n")).toMatch(/run 4 at f{7} is not an ancestor/);
    expect(choice.notes.join("\n")).toContain("run 3 is not a baseline: its gates failed");
    expect(choice.notes.join("\n")).toContain("expired");
  });

  it("never takes a run whose training failed or whose gates failed, even at the target", async () => {
    const { history } = memoryHistory(
      [
        { id: 2, commit: linear[4]!, accuracy: 0.1, comparison: "failed" },
        { id: 1, commit: linear[4]!, accuracy: 0.1, status: "failed" },
      ],
      { linear },
    );
    const choice = await chooseBaselineRun(history, { branch: "main", target: linear[4] });
    expect(choice.found).toBe(false);
    expect(choice.notes).toEqual([
      "run 2 is not a baseline: its gates failed",
      "run 1 is not a baseline: its training failed",
    ]);
  });

  it("passes over this very run but takes an earlier run of the same commit", async () => {
    const { history } = memoryHistory(
      [
        { id: 2, commit: linear[4]!, accuracy: 0.2 },
        { id: 1, commit: linear[4]!, accuracy: 0.1 },
      ],
      { linear },
    );
    const choice = await chooseBaselineRun(history, {
      branch: "main",
      target: linear[4],
      isThisRun: (run) => run.id === 2,
    });
    expect(choice.found && choice.run.id).toBe(1);
    const alone = await chooseBaselineRun(
      memoryHistory([{ id: 2, commit: linear[4]!, accuracy: 0 }], { linear }).history,
      {
        branch: "main",
        target: linear[4],
        isThisRun: (run) => run.id === 2,
        where: "of ci.yml on main",
      },
    );
    expect(alone).toEqual({
      found: false,
      description: "no successful run of ci.yml on main",
      notes: ["first run: change thresholds are skipped"],
    });
  });

  it("checks ancestry at most BASELINE_SEARCH_BUDGET times, once per commit, and says it stopped", async () => {
    const outside = Array.from({ length: 2 * BASELINE_SEARCH_BUDGET }, (_, n) => `e${n}`.padEnd(40, "0"));
    const runs = outside.flatMap((commit, n) => [
      { id: 100 + 2 * n, commit, accuracy: 0.5 },
      { id: 101 + 2 * n, commit, accuracy: 0.5 },
    ]);
    runs.push({ id: 1, commit: linear[0]!, accuracy: 0.5 });
    const { history, calls } = memoryHistory(runs, { linear });
    const choice = await chooseBaselineRun(history, { branch: "main", target: linear[4] });
    expect(choice.found).toBe(false);
    expect(calls.ancestry).toBe(BASELINE_SEARCH_BUDGET);
    expect(calls.opened).toEqual([]);
    // The origin holds at most 20 notes.
    expect(choice.notes.length).toBeLessThanOrEqual(20);
    expect(choice.notes.join("\n")).toMatch(/more runs passed over/);
  });

  it("without a target takes the newest usable run", async () => {
    const { history } = memoryHistory(
      [
        { id: 2, commit: linear[2]!, accuracy: 0.2, comparison: "failed" },
        { id: 1, commit: linear[1]!, accuracy: 0.1, comparison: "passed" },
      ],
      { linear },
    );
    const choice = await chooseBaselineRun(history, { branch: "main" });
    expect(choice.found && choice.run.id).toBe(1);
    expect(choice.found && choice.commitsBehind).toBeUndefined();
  });
});

describe("trustedRunRecords", () => {
  it("returns the records of trusted runs only, newest first, up to the limit", async () => {
    const { history } = memoryHistory(
      [
        { id: 5, commit: linear[5]!, accuracy: 0.5 },
        { id: 4, commit: linear[4]!, accuracy: 0.4, comparison: "failed" },
        { id: 3, commit: linear[3]!, accuracy: 0.3, unopenable: "gone" },
        { id: 2, commit: linear[2]!, accuracy: 0.2 },
        { id: 1, commit: linear[1]!, accuracy: 0.1 },
      ],
      { linear },
    );
    const records = await trustedRunRecords(history, { branch: "main", isThisRun: (run) => run.id === 5 }, 2);
    expect(records.map((record) => record.metrics.accuracy)).toEqual([0.2, 0.1]);
  });
});
