import type { CompareConfig, ComparisonDocument } from "@ctrain/core";
import { pairedEvidence } from "./evidence.js";
import type { LoadedPredictions } from "./predictions-file.js";

type LeaderboardEntry = NonNullable<ComparisonDocument["leaderboard"]>[number];

/**
 * The decision rule applied to a sweep: each runner-up's objective is tested against the best run's on the rows both
 * scored, and a runner-up the test cannot tell from the best is marked tied, so "best" is not read into noise.
 */
export function withTestsAgainstBest(
  entries: LeaderboardEntry[],
  bestName: string,
  predictionsOf: (name: string) => LoadedPredictions | undefined,
  config: CompareConfig,
): LeaderboardEntry[] {
  const objective = config.objective!.metric;
  const alpha = config.metrics[objective]?.alpha ?? 0.05;
  const best = predictionsOf(bestName);
  return entries.map((entry) => {
    if (entry.name === bestName) return entry;
    const runnerUp = predictionsOf(entry.name);
    if (!best || !runnerUp) {
      return { ...entry, versusBest: { method: "none", note: "no predictions to pair with the best run's" } };
    }
    const evidence = pairedEvidence(runnerUp, best, [{ metric: objective }], config);
    const test = evidence.tests[objective];
    if (!test) {
      return { ...entry, versusBest: { method: "none", note: evidence.untested[objective] ?? "no paired test" } };
    }
    const pValue = test.pValue(0, "two-sided");
    return { ...entry, versusBest: { method: test.method, delta: test.delta, pValue, tied: pValue >= alpha } };
  });
}
