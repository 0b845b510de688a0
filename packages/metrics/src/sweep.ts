import { compareLabels } from "./labels.js";
import { formatMetricValue, numberOf, type MetricMap } from "./metric-value.js";

export interface SweepRun {
  readonly name: string;
  readonly metrics: MetricMap;
}

export interface LeaderboardEntry {
  readonly rank: number;
  readonly name: string;
  readonly value: number;
  /** Another run has exactly the same objective value; the order between them is by name. */
  readonly tied: boolean;
}

export interface Leaderboard {
  readonly objective: string;
  readonly direction: "higher" | "lower";
  readonly entries: readonly LeaderboardEntry[];
  readonly best: LeaderboardEntry | undefined;
  /** Runs without a finite objective value, and why; they are never ranked. */
  readonly excluded: readonly { readonly name: string; readonly reason: string }[];
}

/** Ranks runs by one metric; ties go by run name (code-point order), so the result never depends on input order. */
export function rankRuns(runs: readonly SweepRun[], objective: string, direction: "higher" | "lower"): Leaderboard {
  const ranked: { name: string; value: number }[] = [];
  const excluded: { name: string; reason: string }[] = [];
  for (const run of runs) {
    const raw = run.metrics[objective];
    const value = numberOf(raw);
    if (raw === undefined) excluded.push({ name: run.name, reason: `no "${objective}" metric` });
    else if (value === undefined || !Number.isFinite(value))
      excluded.push({ name: run.name, reason: `"${objective}" is ${formatMetricValue(raw)}` });
    else ranked.push({ name: run.name, value });
  }
  const sign = direction === "higher" ? -1 : 1;
  ranked.sort((a, b) => sign * (a.value - b.value) || compareLabels(a.name, b.name));
  const entries = ranked.map((run, index) => ({
    rank: index + 1,
    name: run.name,
    value: run.value,
    tied: ranked.some((other, j) => j !== index && other.value === run.value),
  }));
  return {
    objective,
    direction,
    entries,
    best: entries[0],
    excluded: excluded.sort((a, b) => compareLabels(a.name, b.name)),
  };
}
