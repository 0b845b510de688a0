// The train step's own cost, measured against running the same command bare, side by side (alternating rounds):
// added wall time and memory for a 1-second command and for one that writes 1 GB of model files (hashing
// included), and sha256 throughput against coreutils' sha256sum on the same files.
//   npm run build && node scripts/run-ts.mjs bench/train.ts [--rounds 5]
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { digestFiles, runTraining, trainSettingsFromConfig } from "@ctrain/train";
import { parseConfig } from "@ctrain/core";

const rounds = Number(process.argv[process.argv.indexOf("--rounds") + 1]) || 5;
const repo = resolve(import.meta.dirname ?? ".", "..");
const action = join(process.cwd(), "dist/train/index.js");
if (!existsSync(action)) throw new Error("dist/train/index.js is missing: run `npm run build` first");

const MB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), "ctrain-bench-"));
const source = join(work, "source.bin");
// One 256 MiB file of random bytes, copied four times by the command: copies from the page cache keep the
// command's own time steady, so the difference between bare and wrapped is the wrapper's.
await run("bash", ["-c", `head -c ${256 * MB} /dev/urandom > ${source}`], {});
const preload = join(work, "report-usage.mjs");
writeFileSync(
  preload,
  // Peak memory as VmHWM, not getrusage's maxRSS: Linux carries maxRSS over exec from the benchmark process.
  // CPU time of the node process itself (children excluded) does not depend on how busy the machine is.
  [
    'import { readFileSync, writeFileSync } from "node:fs";',
    'process.on("exit", () => {',
    '  const peakKb = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);',
    "  const { user, system } = process.cpuUsage();",
    "  writeFileSync(process.env.BENCH_USAGE_FILE, JSON.stringify({ peakKb, cpuMs: (user + system) / 1000 }));",
    "});",
  ].join("\n"),
);

const cases = [
  { name: "1-second command", command: "sleep 1", modelFiles: undefined },
  {
    name: "1 GB of model files",
    command: `mkdir -p out && for i in 1 2 3 4; do cp ${source} out/model-$i.bin; done`,
    modelFiles: "out/*.bin",
  },
];

interface Sample {
  wallMs: number;
  maxRssMb?: number;
  cpuMs?: number;
}

const rows: string[] = [];
for (const benchCase of cases) {
  const bare: Sample[] = [];
  const actionRuns: Sample[] = [];
  const library: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    bare.push(await runBare(benchCase.command));
    actionRuns.push(await runAction(benchCase.command, benchCase.modelFiles));
    library.push(await runLibrary(benchCase.command, benchCase.modelFiles));
  }
  const bareWall = median(bare.map((s) => s.wallMs));
  const actionWall = median(actionRuns.map((s) => s.wallMs));
  const libraryWall = median(library.map((s) => s.wallMs));
  const actionCpu = median(actionRuns.map((s) => s.cpuMs!));
  const libraryCpu = median(library.map((s) => s.cpuMs!));
  rows.push(
    `| ${benchCase.name} | ${bareWall.toFixed(0)} ms | ${actionWall.toFixed(0)} ms (+${(actionWall - bareWall).toFixed(0)} ms), ` +
      `CPU ${actionCpu.toFixed(0)} ms | ${libraryWall.toFixed(0)} ms (+${(libraryWall - bareWall).toFixed(0)} ms), ` +
      `CPU ${libraryCpu.toFixed(0)} ms | ${median(actionRuns.map((s) => s.maxRssMb!)).toFixed(1)} MB |`,
  );
}
const nodeAlone = median(await Promise.all([0, 1, 2].map(() => nodeBaselineRss())));

// Hash throughput on the same 1 GB, warm in the page cache for both.
const files = [1, 2, 3, 4].map((i) => join(work, "ws", "out", `model-${i}.bin`));
const hashCpu = process.cpuUsage();
await digestFiles(files);
const hashUsage = process.cpuUsage(hashCpu);
const ctrainHashSeconds = (hashUsage.user + hashUsage.system) / 1e6;
const sha256sumSeconds = await cpuSecondsOf(`sha256sum ${files.join(" ")} > /dev/null`);

console.log(
  `train step overhead, median of ${rounds} alternating rounds (${process.version}, ${process.platform}, ` +
    `${availableParallelism()} CPUs, load average ${loadavg()[0]!.toFixed(1)})\n`,
);
console.log(
  "| case | bare bash | action (node dist/train): wall, CPU of the node process | library (runTraining in-process): wall, CPU | action peak RSS |",
);
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);
console.log(`\nnode alone (empty script) peak RSS: ${nodeAlone.toFixed(1)} MB`);
console.log(
  `\nsha256 of 1 GiB (4 x 256 MiB, page cache), per CPU second: ctrain ${(1024 / ctrainHashSeconds).toFixed(0)} MB/s, ` +
    `sha256sum ${(1024 / sha256sumSeconds).toFixed(0)} MB/s`,
);
rmSync(work, { recursive: true, force: true });

function workspace(): string {
  const root = join(work, "ws");
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  return root;
}

async function runBare(command: string): Promise<Sample> {
  const cwd = workspace();
  const started = performance.now();
  await run("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", command], { cwd });
  return { wallMs: performance.now() - started };
}

async function runAction(command: string, modelFiles: string | undefined): Promise<Sample> {
  const cwd = workspace();
  const rssFile = join(work, "rss.txt");
  writeFileSync(join(work, "github-output"), "");
  const started = performance.now();
  await run(process.execPath, ["--import", preload, action], {
    cwd,
    env: {
      ...process.env,
      GITHUB_REPOSITORY: "bench/train",
      GITHUB_WORKSPACE: cwd,
      GITHUB_OUTPUT: join(work, "github-output"),
      BENCH_USAGE_FILE: rssFile,
      INPUT_COMMAND: command,
      "INPUT_MODEL-FILES": modelFiles ?? "",
      INPUT_UPLOAD: "false",
      INPUT_CACHE: "false",
    },
  });
  const wallMs = performance.now() - started;
  const usage = JSON.parse(readFileSync(rssFile, "utf8")) as { peakKb: number; cpuMs: number };
  return { wallMs, maxRssMb: usage.peakKb / 1024, cpuMs: usage.cpuMs };
}

async function runLibrary(command: string, modelFiles: string | undefined): Promise<Sample> {
  const root = workspace();
  const yaml = `train:\n  command: ${JSON.stringify(command)}\n${modelFiles ? `  model-files: ${JSON.stringify(modelFiles)}\n` : ""}`;
  const settings = trainSettingsFromConfig(parseConfig(yaml), { root, name: "bench" });
  const started = performance.now();
  const cpu = process.cpuUsage();
  await runTraining(settings);
  const { user, system } = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (user + system) / 1000 };
}

async function nodeBaselineRss(): Promise<number> {
  const rssFile = join(work, `rss-${Math.random()}.txt`);
  await run(process.execPath, ["--import", preload, "-e", ""], {
    env: { ...process.env, BENCH_USAGE_FILE: rssFile },
  });
  return (JSON.parse(readFileSync(rssFile, "utf8")) as { peakKb: number }).peakKb / 1024;
}

function run(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd ?? repo,
      env: options.env,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolvePromise();
      else reject(new Error(`${file} ${args.join(" ")} exited ${code}`));
    });
  });
}

/** User + system CPU seconds of a shell command, from bash's `time` (independent of how busy the machine is). */
function cpuSecondsOf(command: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", ["-c", `TIMEFORMAT="%3U %3S"; time (${command})`], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let report = "";
    child.stderr.on("data", (chunk: Buffer) => (report += chunk.toString()));
    child.on("error", reject);
    child.on("exit", () => {
      const [user, system] = report.trim().split("\n").at(-1)!.split(" ").map(Number);
      resolvePromise(user! + system!);
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
