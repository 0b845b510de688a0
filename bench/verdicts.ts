/**
 * How often the compare verdicts claim a change that is not there (A/A pairs), and how often they find one that is
 * (power): per seed a 2,000-row binary test set and two models that differ only in their independent noise, compared
 * by compareRuns under change-bound gates on accuracy, roc_auc and f1. Prints a markdown table of the shares.
 * A benchmark, not a test: it exits non-zero only when it crashes.
 *
 *   node scripts/run-ts.mjs bench/verdicts.ts [--seeds 200] [--rows 2000] [--resamples 1000] [--first-seed 1]
 */
import { cpus, loadavg } from "node:os";
import {
  claimShare,
  DEFAULT_NOISE,
  DEFAULT_SIGNAL,
  detectedShare,
  GATED_METRICS,
  runVerdictExperiment,
  VERDICT_GATES,
  type Tally,
} from "./aa-pairs.js";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive whole number`);
  return value;
}

const seeds = option("seeds", 200);
const rows = option("rows", 2000);
const resamples = option("resamples", 1000);
const firstSeed = option("first-seed", 1);
/** 1 is A/A; below 1 the candidate's noise sd shrinks (better model), above it grows (worse). */
const scales = [1, 0.9, 0.8, 0.7, 1.1, 1.25];

const percent = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** Wilson score interval at 95% for a share of n. */
function wilson(share: number, n: number): string {
  if (!n) return "-";
  const z = 1.959963984540054;
  const centre = (share + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((share * (1 - share)) / n + (z * z) / (4 * n * n));
  return `${(Math.max(0, centre - half) * 100).toFixed(1)}-${(Math.min(1, centre + half) * 100).toFixed(1)}%`;
}

function setting(scale: number): string {
  if (scale === 1) return "A/A";
  return `${scale < 1 ? "better" : "worse"}, noise x${scale}`;
}

const loadBefore = loadavg();
const start = performance.now();
const cpuStart = process.cpuUsage();
let lastReport = start;
const result = await runVerdictExperiment({
  seeds,
  firstSeed,
  rows,
  resamples,
  scales,
  onSeed(done) {
    const now = performance.now();
    if (now - lastReport > 15_000 || done === seeds) {
      lastReport = now;
      console.error(`${done}/${seeds} seeds, ${((now - start) / 1000).toFixed(0)} s`);
    }
  },
});
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const loadAfter = loadavg();

console.log(`\n## Compare verdicts on A/A and power pairs\n`);
console.log(
  `${seeds} seeds (${firstSeed}..${firstSeed + seeds - 1}), ${rows} rows each, ${resamples} bootstrap resamples, alpha 0.05. ` +
    `Latent logit sd ${DEFAULT_SIGNAL}, baseline noise sd ${DEFAULT_NOISE}; the candidate's noise sd is scaled per setting.`,
);
console.log(
  `Gates: ${GATED_METRICS.map((metric) => `${metric} ${JSON.stringify(VERDICT_GATES[metric])}`).join("; ")}.\n`,
);
console.log(
  "| metric | setting | test | n | claims a change | (95% Wilson) | p < alpha | improved | regressed | unchanged | failed | inconclusive | detected | mean delta |",
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
const row = (metric: string, scale: number, tally: Tally): string => {
  const gated = tally.total - tally.counts.skipped;
  const share = (count: number): string => percent(gated ? count / gated : 0);
  const claims = claimShare(tally);
  return [
    "",
    metric,
    setting(scale),
    [...tally.methods].sort().join("+"),
    String(gated),
    percent(claims),
    wilson(claims, gated),
    share(tally.rejected),
    share(tally.counts.improved),
    share(tally.counts.regressed),
    share(tally.counts.unchanged),
    share(tally.counts.failed),
    share(tally.counts.inconclusive),
    scale === 1 ? "-" : percent(detectedShare(tally, scale)),
    (tally.deltaSum / Math.max(1, tally.total)).toFixed(4),
    "",
  ]
    .join(" | ")
    .trim();
};
for (const metric of [...GATED_METRICS, "all"]) {
  for (const scale of scales) console.log(row(metric, scale, result.get(scale)!.get(metric)!));
}
console.log(
  `\n"claims a change" = improved or regressed among gated verdicts; "detected" = improved for a better candidate, ` +
    `regressed or failed for a worse one; "p < alpha" = the change test rejected "no change" (two-sided), whatever the label ` +
    `became (a significant drop past a change bound is labelled failed, not regressed). At alpha 0.05 about 5% of A/A ` +
    `verdicts should have p < alpha. Gates with significance "none" fail on the point estimate alone.`,
);
console.log(
  `\nWall ${seconds.toFixed(1)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s) for ${seeds * scales.length} comparisons; ` +
    `load average ${loadBefore.map((value) => value.toFixed(2)).join(" ")} before, ` +
    `${loadAfter.map((value) => value.toFixed(2)).join(" ")} after, on ${cpus().length} CPUs.`,
);
