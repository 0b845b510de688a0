// Benchmark of what a user runs: `ctrain validate` from the built CLI (checks + profile + drift in one streaming
// pass), timed from process start to exit, beside pandas (`read_csv` + `describe(include="all")` + null counts) and
// DuckDB (`SUMMARIZE`, on as many threads as ctrain uses) on the same deterministic CSV. Each runs in its own process,
// in alternating rounds (a shared machine's slow spell hits all three); the median round is reported, with the load
// average beside every figure. Build the CLI first (npm run build, or node scripts/build.mjs cli).
// Run: npm run bench:validate -- --sizes 256,1024,4096 [--rounds 3] [--threads N] [--pandas-max-mb 1024]
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { Bundle, CtrainConfig } from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";

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

/** What one process used, from its start to its exit (the wrapper's wait4: CPU of it and its reaped children). */
interface Measurement {
  seconds: number;
  /** User + system CPU seconds: a fairer comparison than wall time on a busy machine. */
  cpuSeconds: number;
  /** Peak resident set of the process tree's largest process (worker threads live in their process). */
  maxRssMb: number;
  /** The 1-minute load average as the process ended (`uptime`). */
  load: number;
  output: string;
}

/** Runs a command and reports its wall time, CPU-s and peak RSS as the kernel counted them. */
const MEASURE = `
import json, os, resource, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = child.communicate()
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "status": child.returncode,
    "seconds": seconds,
    "cpuSeconds": usage.ru_utime + usage.ru_stime,
    "maxRssMb": usage.ru_maxrss / 1024,
    "load": os.getloadavg()[0],
    "output": out.decode("utf-8", "replace")[-2000:],
    "error": err.decode("utf-8", "replace")[-4000:],
}))
`;

const PANDAS = `
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
frame.describe(include="all")
frame.isna().sum()
print(len(frame), "rows")
`;

/** The Node script that runs DuckDB (its native module cannot be bundled with this script). */
const DUCKDB_SCRIPT = resolve("bench/duckdb-summarize.mjs");

type Tool = "ctrain" | "pandas" | "duckdb";

function measure(command: string, commandArgs: string[], acceptedStatus: readonly number[] = [0]): Measurement {
  const result = spawnSync("/usr/bin/python3", ["-c", MEASURE, command, ...commandArgs], {
    encoding: "utf8",
    maxBuffer: 64 * MB,
  });
  if (result.status !== 0) throw new Error(`measuring ${command} failed:\n${result.stderr}`);
  const measured = JSON.parse(result.stdout) as Measurement & { status: number; error: string };
  if (!acceptedStatus.includes(measured.status)) {
    throw new Error(`${command} ${commandArgs.join(" ")} exited ${measured.status}:\n${measured.error}`);
  }
  return measured;
}

/** A workspace with the dataset, a ctrain.yml that validates it and a baseline bundle for drift. */
async function prepare(root: string, sizeMb: number, threads: number): Promise<string> {
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
  const config = {
    data: { threads, datasets: { bench: DATASET } },
    compare: { baseline: `path:${baselineDir}` },
  };
  writeFileSync(join(dir, "ctrain.yml"), stringify(config));
  return dir;
}

function runTool(tool: Tool, dir: string, threads: number): Measurement {
  const file = join(dir, "data.csv");
  switch (tool) {
    case "ctrain":
      // Exit 1 is a failed check: the benchmark's data breaks a few on purpose.
      return measure(process.execPath, [resolve("dist/cli/index.js"), "validate", "-C", dir], [0, 1]);
    case "pandas":
      return measure("/usr/bin/python3", ["-c", PANDAS, file]);
    case "duckdb":
      return measure(process.execPath, [DUCKDB_SCRIPT, file, String(threads)]);
  }
}

function row(tool: string, sizeMb: number, m: Measurement, threads: number | string): string {
  return [
    tool.padEnd(7),
    `${sizeMb} MB`.padStart(8),
    `${m.seconds.toFixed(2)} s`.padStart(9),
    `${m.cpuSeconds.toFixed(2)} cpu-s`.padStart(12),
    `${(sizeMb / m.seconds).toFixed(1)} MB/s`.padStart(11),
    `${m.maxRssMb.toFixed(0)} MB RSS`.padStart(13),
    `${threads} thr`.padStart(7),
    `load ${m.load.toFixed(2)}`.padStart(10),
  ].join("  ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function loadNow(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

async function main(): Promise<void> {
  const sizes = (option("sizes") ?? option("size-mb") ?? "256,1024,4096").split(",").map(Number);
  const pandasMaxMb = Number(option("pandas-max-mb") ?? 1024);
  const roundCount = Number(option("rounds") ?? 3);
  const threads = Number(option("threads") ?? availableParallelism());
  const root = resolve(option("dir") ?? join(tmpdir(), "ctrain-bench-validate"));
  if (!existsSync("dist/cli/index.js")) throw new Error("build the CLI first: node scripts/build.mjs cli");
  mkdirSync(root, { recursive: true });
  const lines: string[] = [`${threads} threads for ctrain and DuckDB; ${availableParallelism()} cores available`];
  for (const sizeMb of sizes) {
    const dir = await prepare(root, sizeMb, threads);
    const tools: Tool[] = sizeMb <= pandasMaxMb ? ["ctrain", "pandas", "duckdb"] : ["ctrain", "duckdb"];
    const rounds = new Map<Tool, Measurement[]>(tools.map((tool) => [tool, []]));
    for (let round = 1; round <= roundCount; round++) {
      // Alternate which tool goes first, so none always runs on a machine the others warmed or loaded.
      const order = tools.map((_, i) => tools[(i + round - 1) % tools.length]!);
      for (const tool of order) {
        const measured = runTool(tool, dir, threads);
        rounds.get(tool)!.push(measured);
        console.log(row(tool, sizeMb, measured, tool === "pandas" ? 1 : threads), `(round ${round})`);
      }
    }
    const medians = new Map<Tool, Measurement>();
    for (const [tool, measured] of rounds) {
      const seconds = median(measured.map((m) => m.seconds));
      medians.set(tool, {
        seconds,
        cpuSeconds: median(measured.map((m) => m.cpuSeconds)),
        maxRssMb: median(measured.map((m) => m.maxRssMb)),
        load: median(measured.map((m) => m.load)),
        output: "",
      });
      lines.push(row(tool, sizeMb, medians.get(tool)!, tool === "pandas" ? 1 : threads) + "  (median)");
    }
    const ours = medians.get("ctrain")!;
    const pandas = medians.get("pandas");
    const duckdb = medians.get("duckdb")!;
    const perRound = (other: Tool): string =>
      rounds
        .get(other)!
        .map((m, i) => (m.seconds / rounds.get("ctrain")![i]!.seconds).toFixed(2))
        .join(", ");
    if (pandas) {
      lines.push(
        `  ${sizeMb} MB: ctrain is ${(pandas.seconds / ours.seconds).toFixed(2)}x pandas' speed (rounds ${perRound("pandas")}), ${(ours.maxRssMb / pandas.maxRssMb).toFixed(2)}x its peak RSS`,
      );
    }
    lines.push(
      `  ${sizeMb} MB: ctrain takes ${(ours.seconds / duckdb.seconds).toFixed(2)}x DuckDB SUMMARIZE's wall time (ctrain's speed over DuckDB's per round: ${perRound("duckdb")}), ${(ours.cpuSeconds / duckdb.cpuSeconds).toFixed(2)}x its CPU-s, ${(ours.maxRssMb / duckdb.maxRssMb).toFixed(2)}x its peak RSS`,
    );
    lines.push(`  ctrain: ${rounds.get("ctrain")![0]!.output.trim().split("\n")[0]}`);
  }
  lines.push(`load average at the end: ${loadNow()}`);
  console.log(`\n${lines.join("\n")}`);
}

await main();
