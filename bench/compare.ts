/**
 * Paired bootstrap of a metric delta on 1,000,000 predictions with 2,000 resamples: ctrain's resampler
 * against scipy.stats.bootstrap(paired=True) on the same data, written to a temp folder and run by
 * /usr/bin/python3 in the same process tree. Prints seconds, the ratio and both intervals.
 *
 *   node scripts/run-ts.mjs bench/compare.ts [rows=1000000] [resamples=2000] [bcaRows=20000]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bootstrapClassifierDelta, pairClassifiers, rowLogLosses, type BootstrapInterval } from "@ctrain/metrics";
import { Random } from "@ctrain/stats";

const rows = Number(process.argv[2] ?? 1_000_000);
const resamples = Number(process.argv[3] ?? 2000);
const bcaRows = Number(process.argv[4] ?? 20_000);

interface ScipyRun {
  name: string;
  method: string;
  seconds: number;
  cpu_seconds: number;
  interval: [number, number];
  standard_error: number;
}

function makeData(): {
  yTrue: number[];
  baseline: { score: number[]; yPred: number[] };
  candidate: { score: number[]; yPred: number[] };
} {
  const random = Random.seeded(2024);
  const yTrue = Array.from({ length: rows }, () => (random.nextDouble() < 0.3 ? 1 : 0));
  const model = (skill: number): { score: number[]; yPred: number[] } => {
    const score = yTrue.map((y) =>
      Math.min(1, Math.max(0, skill * y + (1 - skill) * random.nextDouble() + 0.1 * (random.nextDouble() - 0.5))),
    );
    return { score, yPred: score.map((s) => (s >= 0.5 ? 1 : 0)) };
  };
  return { yTrue, baseline: model(0.35), candidate: model(0.37) };
}

/** Wall and CPU seconds: on a shared machine CPU time is the fairer comparison, so both are printed. */
function timed<T>(run: () => T): [T, number, number] {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return [result, (performance.now() - start) / 1000, (used.user + used.system) / 1e6];
}

const format = (interval: readonly [number, number] | null | undefined): string =>
  interval ? `[${interval[0].toFixed(6)}, ${interval[1].toFixed(6)}]` : "-";

const data = makeData();
const paired = pairClassifiers({ yTrue: data.yTrue, ...data.baseline }, { yTrue: data.yTrue, ...data.candidate });
const folder = mkdtempSync(join(tmpdir(), "ctrain-bench-"));
try {
  writeFileSync(join(folder, "y.u8"), Uint8Array.from(data.yTrue));
  writeFileSync(join(folder, "pa.u8"), Uint8Array.from(data.baseline.yPred));
  writeFileSync(join(folder, "pb.u8"), Uint8Array.from(data.candidate.yPred));
  writeFileSync(join(folder, "la.f64"), rowLogLosses(paired.baseline)!);
  writeFileSync(join(folder, "lb.f64"), rowLogLosses(paired.candidate)!);

  const small = pairClassifiers(
    { yTrue: data.yTrue.slice(0, bcaRows), ...sliceModel(data.baseline, bcaRows) },
    { yTrue: data.yTrue.slice(0, bcaRows), ...sliceModel(data.candidate, bcaRows) },
  );
  const ours: [string, BootstrapInterval, number, number][] = [];
  for (const [name, target, method] of [
    ["accuracy", paired, "percentile"],
    ["log_loss", paired, "percentile"],
    [`accuracy@${bcaRows}`, small, "bca"],
    [`log_loss@${bcaRows}`, small, "bca"],
    ["accuracy (BCa)", paired, "bca"],
    ["log_loss (BCa)", paired, "bca"],
  ] as const) {
    const [result, seconds, cpuSeconds] = timed(() =>
      bootstrapClassifierDelta(target, name.split(/[@ ]/)[0]!, { resamples, method }),
    );
    ours.push([name, result, seconds, cpuSeconds]);
    console.log(
      `ctrain ${name}: ${seconds.toFixed(2)} s (cpu ${cpuSeconds.toFixed(2)} s), ${result.method} via ${result.scheme}, ${format(result.interval)}`,
    );
  }

  const script = resolve("tests/reference/metrics_bootstrap_bench.py");
  const python = spawnSync("/usr/bin/python3", [script, folder, String(resamples), String(bcaRows)], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (python.status !== 0) throw new Error(`scipy side failed:\n${python.stderr}`);
  const scipy = JSON.parse(python.stdout) as ScipyRun[];

  console.log(`\n${rows} rows, ${resamples} resamples, 95% intervals of candidate - baseline`);
  console.log(
    "| metric | method | ctrain s (cpu) | scipy s (cpu) | scipy / ctrain, wall (cpu) | ctrain interval | scipy interval |",
  );
  console.log("|---|---|---|---|---|---|---|");
  const seconds = (wall: number, cpu: number): string => `${wall.toFixed(2)} (${cpu.toFixed(2)})`;
  for (const run of scipy) {
    const [, result, wall, cpu] = ours.find(([name]) => name === run.name)!;
    const ratio = `${(run.seconds / wall).toFixed(1)}x (${(run.cpu_seconds / cpu).toFixed(1)}x)`;
    console.log(
      `| ${run.name} | ${run.method} | ${seconds(wall, cpu)} | ${seconds(run.seconds, run.cpu_seconds)} | ${ratio} | ${format(result.interval)} | ${format(run.interval)} |`,
    );
  }
  for (const [name, result, wall, cpu] of ours.filter(([name]) => name.includes("BCa"))) {
    console.log(
      `| ${name} | BCa (scipy: out of reach at ${rows} rows) | ${seconds(wall, cpu)} | - | - | ${format(result.interval)} | - |`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

function sliceModel(model: { score: number[]; yPred: number[] }, count: number): { score: number[]; yPred: number[] } {
  return { score: model.score.slice(0, count), yPred: model.yPred.slice(0, count) };
}
