import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Bundle, CtrainConfig, RunDocument, isUserError, type BaselineSource } from "@ctrain/core";
import { runCompareStep } from "@ctrain/compare";

const dir = mkdtempSync(join(tmpdir(), "ctrain-compare-step-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const noBaseline: BaselineSource = {
  resolve: async () => ({ origin: { kind: "none", description: "no baseline", notes: [] } }),
  history: async () => [],
};

function candidate(folder: string, accuracy: number): void {
  mkdirSync(folder, { recursive: true });
  new Bundle(folder).write(
    "run",
    RunDocument.parse({
      schema: "ctrain.run/v1",
      name: folder.split("/").at(-1)!,
      createdAt: "2026-11-01T00:00:00Z",
      source: {},
      status: "succeeded",
      metrics: { accuracy },
    }),
  );
}

describe("the compare step", () => {
  it("expands candidate globs the same way for the action and the CLI, and ranks what they name", async () => {
    for (const [name, accuracy] of [
      ["lr-0.1", 0.81],
      ["lr-0.3", 0.86],
      ["lr-1.0", 0.79],
    ] as const) {
      candidate(join(dir, "sweep", name), accuracy);
    }
    candidate(join(dir, "bundle"), 0.5);
    const config = CtrainConfig.parse({
      compare: { metrics: { accuracy: { direction: "higher", min: 0.7 } }, objective: { metric: "accuracy" } },
    });
    const result = await runCompareStep({
      config,
      bundleDir: join(dir, "bundle"),
      candidates: { patterns: ["sweep/*"], cwd: dir },
      baselines: noBaseline,
    });
    expect(result.document.leaderboard?.map((entry) => entry.name)).toEqual(["lr-0.3", "lr-0.1", "lr-1.0"]);
    expect(result.document.bestRun).toBe("lr-0.3");
    await expect(
      runCompareStep({
        config,
        bundleDir: join(dir, "bundle"),
        candidates: { patterns: ["nowhere/*"], cwd: dir },
        baselines: noBaseline,
      }),
    ).rejects.toSatisfy(
      (error) => isUserError(error) && /no candidate bundle folder matches "nowhere\/\*"/.test(String(error)),
    );
  });
});
