// Start-up of every action's bundle, side by side with a minimal action (a bundled @actions/core getInput + info).
// Each runs as the runner runs a node action step: `node dist/<name>/index.js` in the workspace, with a clean
// environment of INPUT_* (the declared defaults) and GITHUB_*/RUNNER_* variables. The step's first line of work is
// reading its inputs, run context and config: `config` names a file that does not exist, so each action stops there
// with a UserError, having loaded everything it loads at start and touched no network. A row whose step did not stop
// there is marked, as its number then holds other work. CPU (user + system) and peak RSS come from the kernel's
// accounting of the child (wait4 through /usr/bin/python3, microseconds, not /usr/bin/time's 10 ms). Rounds
// alternate all sides, so a slow spell of a shared machine hits each; medians are reported, with the load.
// Run: npm run bench:startup [-- --rounds 9] [--actions validate,compare] [--dist <folder>]   (after `npm run build`;
// --dist measures another build's bundles, e.g. an earlier commit's dist/ from `git archive <commit> dist`)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};
const root = resolve(".");
const rounds = Number(option("rounds") ?? 9);
const dist = resolve(option("dist") ?? "dist");
/** The goal for the first line of work. */
const GOAL = { cpuMs: 150, rssMiB: 70 };
/** What every action says when it stops at the missing config, the first thing it reads from disk. */
const STOPPED_AT_CONFIG = "config file not found";

const MINIMAL_ACTION = `import * as core from "@actions/core";
core.info(\`first line of work: \${core.getInput("name")}\`);
`;

/** Runs a command and answers the kernel's accounting of it: os.wait4 sees only that child, to the microsecond. */
const WAIT4 = `
import json, os, subprocess, sys
with open(sys.argv[1], "wb") as log:
    child = subprocess.Popen(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
print(json.dumps({"cpuMs": (usage.ru_utime + usage.ru_stime) * 1000, "rssMiB": usage.ru_maxrss / 1024,
                  "exitCode": child.returncode}))
`;

interface Side {
  name: string;
  entry: string;
  /** INPUT_* for the declared defaults, as the runner sets them. */
  inputs: Record<string, string>;
}

interface Sample {
  cpuMs: number;
  rssMiB: number;
  exitCode: number;
  output: string;
}

/** Every action of the repository (actions/<name>/index.ts) whose bundle is built. */
function actionSides(only: string[] | undefined): Side[] {
  const sides: Side[] = [];
  for (const name of readdirSync(join(root, "actions")).sort()) {
    if (!existsSync(join(root, "actions", name, "index.ts")) || (only && !only.includes(name))) continue;
    const entry = join(dist, name, "index.js");
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
    const metadata = parseYaml(readFileSync(join(root, "actions", name, "action.yml"), "utf8")) as {
      inputs?: Record<string, { default?: unknown }>;
    };
    const inputs: Record<string, string> = {};
    for (const [input, spec] of Object.entries(metadata.inputs ?? {})) {
      // `${{ github.token }}` and the like: the runner fills them; start-up does not depend on their value.
      const value = String(spec.default ?? "").replace(/\$\{\{[^}]*\}\}/g, "");
      inputs[`INPUT_${input.replace(/ /g, "_").toUpperCase()}`] = value;
    }
    sides.push({ name, entry, inputs: { ...inputs, INPUT_CONFIG: "no-such-ctrain.yml" } });
  }
  return sides;
}

/** The minimal action, bundled as the actions are (esbuild, ESM, node20) into `dir`. */
function buildMinimalAction(dir: string): Side {
  const entry = join(dir, "minimal", "index.js");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const built = spawnSync(
    join(root, "node_modules", ".bin", "esbuild"),
    [
      "--bundle",
      "--platform=node",
      "--format=esm",
      "--target=node20",
      "--log-level=warning",
      `--outfile=${entry}`,
      "--banner:js=import { createRequire as __ctrainCreateRequire } from 'node:module';" +
        "const require = __ctrainCreateRequire(import.meta.url);",
    ],
    { input: MINIMAL_ACTION, cwd: root, encoding: "utf8" },
  );
  if (built.status !== 0) throw new Error(`building the minimal action failed:\n${built.stderr}`);
  return { name: "minimal (@actions/core)", entry, inputs: { INPUT_NAME: "bench" } };
}

function runnerEnvironment(dir: string): Record<string, string> {
  const workspace = join(dir, "workspace");
  const files = join(dir, "files");
  for (const folder of [workspace, files, join(dir, "temp"), join(dir, "home")]) mkdirSync(folder, { recursive: true });
  const event = join(files, "event.json");
  writeFileSync(event, JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "octo/churn" } }));
  for (const file of ["output", "step_summary", "env", "state", "path"]) writeFileSync(join(files, file), "");
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(dir, "home"),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "push",
    GITHUB_EVENT_PATH: event,
    GITHUB_OUTPUT: join(files, "output"),
    GITHUB_STEP_SUMMARY: join(files, "step_summary"),
    GITHUB_ENV: join(files, "env"),
    GITHUB_STATE: join(files, "state"),
    GITHUB_PATH: join(files, "path"),
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: "octo/churn",
    GITHUB_SHA: "0".repeat(40),
    GITHUB_REF: "refs/heads/main",
    GITHUB_RUN_ID: "1",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: "https://api.github.com",
    // A token, as the runner always has one: fetch-model and publish then reach the config read too. The client
    // makes no request before the config is read, so nothing leaves the machine.
    GITHUB_TOKEN: "ghs_startupbenchmark",
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
    RUNNER_TEMP: join(dir, "temp"),
  };
}

function measure(side: Side, environment: Record<string, string>, dir: string): Sample {
  const log = join(dir, "step.log");
  const result = spawnSync("/usr/bin/python3", ["-c", WAIT4, log, process.execPath, side.entry], {
    cwd: environment.GITHUB_WORKSPACE,
    env: { ...environment, ...side.inputs },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`measuring ${side.name} failed:\n${result.stderr}`);
  const usage = JSON.parse(result.stdout) as Omit<Sample, "output">;
  return { ...usage, output: readFileSync(log, "utf8") };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-bench-startup-"));
  try {
    const actions = actionSides(option("actions")?.split(","));
    const minimal = buildMinimalAction(dir);
    const environment = runnerEnvironment(dir);
    const sides = [minimal, ...actions];
    const samples = new Map<Side, Sample[]>(sides.map((side) => [side, []]));
    const loadBefore = load();
    for (let round = 1; round <= rounds; round++) {
      for (const side of sides) samples.get(side)!.push(measure(side, environment, dir));
      process.stdout.write(`round ${round}/${rounds} done (load ${load()})\n`);
    }
    const base = samples.get(minimal)!;
    const rows = sides.map((side) => {
      const runs = samples.get(side)!;
      const cpuMs = median(runs.map((run) => run.cpuMs));
      const rssMiB = median(runs.map((run) => run.rssMiB));
      // Each round's ratio to the minimal action of the same round, then the median of those.
      const cpuRatio = median(runs.map((run, round) => run.cpuMs / base[round]!.cpuMs));
      const rssRatio = median(runs.map((run, round) => run.rssMiB / base[round]!.rssMiB));
      const last = runs.at(-1)!;
      const stopped = side === minimal ? last.exitCode === 0 : last.output.includes(STOPPED_AT_CONFIG);
      return [
        side.name,
        cpuMs.toFixed(0),
        rssMiB.toFixed(1),
        `${cpuRatio.toFixed(2)}x`,
        `${rssRatio.toFixed(2)}x`,
        cpuMs <= GOAL.cpuMs && rssMiB <= GOAL.rssMiB ? "yes" : "no",
        stopped ? "" : `did not stop at the config read (exit ${last.exitCode}: ${firstLine(last)})`,
      ];
    });
    console.log(
      [
        "",
        `start-up to the first line of work of ${dist}/<action>/index.js: median of ${rounds} alternating rounds, node ${process.version}`,
        `goal: <= ${GOAL.cpuMs} ms CPU and <= ${GOAL.rssMiB} MiB peak RSS`,
        ...table([["action", "CPU ms", "RSS MiB", "CPU vs minimal", "RSS vs minimal", "goal", ""], ...rows]),
        `load average (1, 5, 15 min): ${loadBefore} before, ${load()} after, on ${availableParallelism()} cores`,
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstLine(sample: Sample): string {
  return (sample.output.split("\n").find((line) => line.trim()) ?? "no output").slice(0, 160);
}

/** Left-aligns the first column and right-aligns the others, each as wide as its widest cell. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join("  ")
      .trimEnd(),
  );
}

main();
