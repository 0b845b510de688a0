// Benchmark of the validate step (checks + profile + drift in one streaming pass) against pandas
// (`read_csv` + `describe(include="all")` + null counts) on the same deterministic CSV, each side in its own
// process so peak RSS is its own, in alternating rounds (the median round is reported: shared machines have slow
// spells). Run: node scripts/run-ts.mjs bench/validate.ts --sizes 1024,4096 [--rounds 3] [--pandas-max-mb 1024]
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Bundle, CtrainConfig, type ResolvedBaseline } from "@ctrain/core";
import { serveProfileThread, validateDatasets } from "@ctrain/data";

const MB = 1024 * 1024;
const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

/** The dataset config the benchmark validates: every kind of check, a key, a label, duplicate rows, drift. */
const DATASET = {
  path: "data.csv",
  key: "id",
  label: "label",
  columns: {
    id: { type: "integer", min: 1 },
    user_id: { type: "integer", min: 1, max: 1_000_000 },
    age: { type: "integer", min: 18, max: 90 },
    income: { type: "float", min: 0, "max-null-share": 0.1 },
    score: { type: "float", min: 0, max: 1 },
    ratio: { type: "float", "max-null-share": 0.2 },
    country: { "allowed-values": COUNTRIES() },
    plan: { "allowed-values": ["free", "basic", "pro", "enterprise"] },
    email: { regex: "^[a-z0-9.]+@[a-z]+\\.[a-z]+$", "max-length": 64 },
    created_at: { type: "timestamp" },
    is_active: { type: "boolean" },
  },
  "label-checks": { "min-class-share": 0.05 },
};

function COUNTRIES(): string[] {
  return [
    "US",
    "DE",
    "FR",
    "GB",
    "IN",
    "BR",
    "JP",
    "CN",
    "CA",
    "AU",
    "ES",
    "IT",
    "MX",
    "NL",
    "SE",
    "PL",
    "KR",
    "ZA",
    "AR",
    "NG",
  ];
}

/** mulberry32: a small seeded generator, so every run writes the same bytes. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER =
  "id,user_id,age,income,score,balance,ratio,clicks,country,device,plan,segment,email,name,city,comment,created_at,updated_on,is_active,label";
const DEVICES = ["mobile", "desktop", "tablet", "tv", "other"];
const PLANS = ["free", "basic", "pro", "enterprise"];
const WORDS = ["alpha", "beta", "gamma", "delta", "quick", "brown", "fox", "lazy", "dog", "data", "model", "train"];
const LABELS = ["churned", "stayed", "paused"];

/** A 20-column CSV of `bytes` bytes: ints, floats with nulls, categoricals, strings (some quoted), timestamps. */
function writeCsv(path: string, bytes: number, seed: number, shift: number): void {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const fd = openSync(path, "w");
  let written = 0;
  let id = 0;
  const header = `${HEADER}\n`;
  writeSync(fd, header);
  written += header.length;
  while (written < bytes) {
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      id++;
      const normal = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
      const word = pick(WORDS);
      const comment = random() < 0.1 ? `"${word}, ""${pick(WORDS)}"" ${pick(WORDS)}"` : `${word} ${pick(WORDS)}`;
      const day = 1 + Math.floor(random() * 28);
      lines.push(
        [
          id,
          1 + Math.floor(random() * 1_000_000),
          18 + Math.floor(random() * 72),
          random() < 0.05 ? "" : (20_000 + 80_000 * random() + shift * 5000).toFixed(2),
          random().toFixed(6),
          (normal * 1000 + shift * 300).toFixed(3),
          random() < 0.1 ? "NA" : (random() * 2).toFixed(4),
          Math.floor(-Math.log(random() || 1e-12) * 5),
          COUNTRIES()[Math.min(19, Math.floor(random() ** (1 + shift) * 20))],
          pick(DEVICES),
          pick(PLANS),
          `seg-${Math.floor(random() * 10)}`,
          `${word}.${id % 9973}@example.org`,
          `${pick(WORDS)} ${pick(WORDS)}`,
          `city-${Math.floor(random() * 200)}`,
          comment,
          `2024-${String(1 + Math.floor(random() * 12)).padStart(2, "0")}-${String(day).padStart(2, "0")}T${String(Math.floor(random() * 24)).padStart(2, "0")}:${String(Math.floor(random() * 60)).padStart(2, "0")}:00Z`,
          `2025-01-${String(day).padStart(2, "0")}`,
          random() < 0.7 ? "true" : "false",
          LABELS[random() < 0.6 ? 0 : random() < 0.8 ? 1 : 2],
        ].join(","),
      );
    }
    const chunk = `${lines.join("\n")}\n`;
    writeSync(fd, chunk);
    written += Buffer.byteLength(chunk);
  }
  closeSync(fd);
}

interface Measurement {
  seconds: number;
  /** User + system CPU seconds: a fairer comparison than wall time on a busy machine. */
  cpuSeconds: number;
  rows: number;
  maxRssMb: number;
  checks?: number;
  failed?: number;
  drifted?: number;
}

/** The child side: validate one file against the baseline bundle and print a measurement. */
async function runChild(dir: string, baselineDir: string): Promise<void> {
  const config = CtrainConfig.parse({ data: { datasets: { bench: DATASET } } });
  const baseline: ResolvedBaseline = {
    origin: { kind: "path", description: "benchmark baseline", notes: [] },
    bundle: new Bundle(baselineDir, { untrusted: true }),
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const { validation } = await validateDatasets(config, {
    cwd: dir,
    baseline,
    profileThread: { entry: new URL(import.meta.url) },
  });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const dataset = validation.datasets[0]!;
  const measurement: Measurement = {
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    rows: dataset.rows,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    checks: validation.statistics.evaluated_expectations,
    failed: validation.statistics.unsuccessful_expectations,
    drifted: dataset.drift?.columns.filter((column) => column.drifted).length ?? 0,
  };
  console.log(JSON.stringify(measurement));
}

const PANDAS = `
import json, resource, sys, time
import pandas as pd
started = time.perf_counter()
cpu = time.process_time()
frame = pd.read_csv(sys.argv[1])
frame.describe(include="all")
frame.isna().sum()
print(json.dumps({
    "seconds": time.perf_counter() - started,
    "cpuSeconds": time.process_time() - cpu,
    "rows": len(frame),
    "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
`;

function measure(command: string, commandArgs: string[]): Measurement {
  const result = spawnSync(command, commandArgs, { encoding: "utf8", maxBuffer: 64 * MB });
  if (result.status !== 0) throw new Error(`${command} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Measurement;
}

async function prepare(root: string, sizeMb: number): Promise<{ dir: string; baselineDir: string }> {
  const dir = join(root, `${sizeMb}mb`);
  const baselineDir = join(root, "baseline-bundle");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "data.csv");
  if (!existsSync(file) || statSync(file).size < sizeMb * MB) {
    console.log(`generating ${sizeMb} MB of CSV in ${file} ...`);
    writeCsv(file, sizeMb * MB, 42, 0.2);
  }
  if (!existsSync(join(baselineDir, "profile", "bench.json"))) {
    const baselineData = join(root, "baseline-data");
    mkdirSync(baselineData, { recursive: true });
    writeCsv(join(baselineData, "data.csv"), 64 * MB, 7, 0);
    const config = CtrainConfig.parse({ data: { datasets: { bench: { path: "data.csv" } } } });
    const { profiles } = await validateDatasets(config, { cwd: baselineData });
    new Bundle(baselineDir).writeProfile(profiles[0]!);
  }
  return { dir, baselineDir };
}

function row(name: string, sizeMb: number, m: Measurement): string {
  return [
    name.padEnd(8),
    `${sizeMb} MB`.padStart(8),
    `${m.seconds.toFixed(1)} s`.padStart(9),
    `${(sizeMb / m.seconds).toFixed(1)} MB/s`.padStart(12),
    `${m.cpuSeconds.toFixed(1)} cpu-s`.padStart(11),
    `${(sizeMb / m.cpuSeconds).toFixed(1)} MB/cpu-s`.padStart(15),
    `${Math.round(m.rows / m.seconds).toLocaleString("en-US")} rows/s`.padStart(18),
    `${m.maxRssMb.toFixed(0)} MB RSS`.padStart(14),
  ].join("  ");
}

/** The round whose ratio is the median; rounds alternate the two sides, so a machine's slow spell hits both. */
function medianRound<T extends { ratio: number }>(rounds: T[]): T {
  return [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
}

async function main(): Promise<void> {
  if (args[0] === "--child") return runChild(args[1]!, args[2]!);
  const sizes = (option("sizes") ?? option("size-mb") ?? "1024").split(",").map(Number);
  const pandasMaxMb = Number(option("pandas-max-mb") ?? 1024);
  const roundCount = Number(option("rounds") ?? 3);
  const root = resolve(option("dir") ?? join(tmpdir(), "ctrain-bench-validate"));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "pandas_bench.py"), PANDAS);
  const lines: string[] = [];
  for (const sizeMb of sizes) {
    const { dir, baselineDir } = await prepare(root, sizeMb);
    const withPandas = sizeMb <= pandasMaxMb;
    const rounds: { ours: Measurement; pandas?: Measurement; ratio: number }[] = [];
    for (let round = 1; round <= (withPandas ? roundCount : 1); round++) {
      const ours = measure(process.execPath, ["scripts/run-ts.mjs", "bench/validate.ts", "--child", dir, baselineDir]);
      console.log(row("ctrain", sizeMb, ours), `(round ${round}: ${ours.checks} checks, ${ours.failed} failed)`);
      if (!withPandas) {
        rounds.push({ ours, ratio: 0 });
        continue;
      }
      const pandas = measure("/usr/bin/python3", [join(root, "pandas_bench.py"), join(dir, "data.csv")]);
      console.log(row("pandas", sizeMb, pandas), `(round ${round})`);
      rounds.push({ ours, pandas, ratio: pandas.seconds / ours.seconds });
    }
    const { ours, pandas } = medianRound(rounds);
    lines.push(row("ctrain", sizeMb, ours));
    if (pandas) {
      lines.push(row("pandas", sizeMb, pandas));
      const ratios = rounds.map((item) => item.ratio.toFixed(2)).join(", ");
      lines.push(
        `ratio at ${sizeMb} MB: ctrain is ${(pandas.seconds / ours.seconds).toFixed(2)}x pandas' speed (median of rounds: ${ratios}), ${(ours.maxRssMb / pandas.maxRssMb).toFixed(2)}x its peak RSS`,
      );
    }
  }
  console.log(`\n${lines.join("\n")}`);
}

// The bundled benchmark is also the entry of the thread that profiles beside the checks, as in the action.
if (!(await serveProfileThread())) await main();
