import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { constants } from "node:os";
import type { Duplex } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { UserError, formatDuration, type RunStatus } from "@ctrain/core";
import { GpuSampler, type GpuUsage } from "./gpu.js";
import { LogTail } from "./log-tail.js";
import {
  ProcessGroupTree,
  ProcfsProcessTree,
  TREE_MARKER_VARIABLE,
  bootTicksNow,
  procfsAvailable,
  type ProcessTree,
} from "./process-tree.js";

export interface CommandOptions {
  command: string;
  /** Absolute working directory. */
  cwd: string;
  /** The complete environment of the command. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Between TERM and KILL when the tree is stopped. */
  killGraceMs: number;
  logTailLines: number;
}

export interface CommandHooks {
  /** Where the command's output goes live (stdout and stderr merged, in the order written). */
  output?: NodeJS.WritableStream;
  /** Aborting stops the command as a timeout does, with a grace period of at most CANCEL_GRACE_MAX_MS. */
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** The slowest interval between resource samples; sampling starts at 100 ms and slows down to this. */
  sampleIntervalMs?: number;
  /** Replaces the nvidia-smi found on PATH (tests use a stand-in). */
  gpu?: GpuSampler;
}

export interface CommandResources {
  wallSeconds: number;
  cpuSeconds?: number;
  peakRssBytes?: number;
  gpu?: GpuUsage;
}

export interface CommandOutcome {
  status: RunStatus;
  /** The command's exit code; null when a signal ended ctrain's wrapper shell (timeout, cancellation). */
  exitCode: number | null;
  /** The signal that ended the command, also when the shell reported it as exit code 128+N. */
  signal: string | null;
  startedAt: Date;
  finishedAt: Date;
  resources: CommandResources;
  logTail: string[];
  outputLines: number;
  /** Processes still running after the command exited, which ctrain then stopped. */
  strayProcesses: number;
}

/**
 * The runner sends SIGINT on cancellation and SIGTERM 7.5 s later: the tree must be gone, and the run record
 * written, before that.
 */
export const CANCEL_GRACE_MAX_MS = 5000;
const FIRST_SAMPLE_MS = 100;
const STOP_POLL_MS = 100;
const KILL_ROUNDS = 50;
const STRAY_RECHECK_MS = 50;
/** After the tree is gone, a process that cleared its environment may still hold the output pipe open. */
const OUTPUT_DRAIN_MS = 2000;
/** setTimeout holds at most a signed 32-bit number of milliseconds (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * ctrain's wrapper shell runs the user's command the way a workflow's `shell: bash` step does (`-eo pipefail`),
 * merges stderr into stdout so the log keeps the order things were written in, and reports the CPU time of the
 * whole waited-for tree (bash's `times`) on fd 3, which the command itself does not inherit. It starts the command only
 * once ctrain writes a line on fd 3: by then ctrain has read which pipe the wrapper's output is, which a command that
 * only starts a background process and exits would otherwise take away before ctrain could look (the background
 * process is then found by the pipe it holds).
 */
const WRAPPER_SCRIPT = [
  "exec 2>&1",
  "read -r -u 3 _ || exit 1",
  'bash --noprofile --norc -eo pipefail -c "$1" 3>&-',
  "status=$?",
  "times >&3",
  'exit "$status"',
].join("\n");

export async function runCommand(options: CommandOptions, hooks: CommandHooks = {}): Promise<CommandOutcome> {
  if (process.platform === "win32") {
    throw new UserError("the train step runs commands with bash on Linux or macOS runners", {
      hint: "use `runs-on: ubuntu-latest` (or a Linux self-hosted runner) for the training job",
    });
  }
  if (!existsSync(options.cwd) || !statSync(options.cwd).isDirectory()) {
    throw new UserError(`the working directory ${options.cwd} does not exist`, {
      location: "train.working-directory",
      hint: "set train.working-directory (or the `working-directory` input) to a folder of the checked-out repository",
    });
  }
  const log = hooks.log ?? (() => undefined);
  const marker = randomUUID();
  const linux = procfsAvailable();
  const startedAfterTicks = linux ? bootTicksNow() - 1 : 0;
  const startedAt = new Date();
  const started = performance.now();
  const child = spawn("bash", ["--noprofile", "--norc", "-c", WRAPPER_SCRIPT, "ctrain-train", options.command], {
    cwd: options.cwd,
    env: { ...options.env, [TREE_MARKER_VARIABLE]: marker },
    // Its own process group, so the whole group can be signalled without signalling ctrain.
    detached: true,
    stdio: ["ignore", "pipe", "ignore", "pipe"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", (error) =>
      reject(
        new UserError(`could not start bash: ${error.message}`, {
          hint: "the train step needs bash on PATH",
          cause: error,
        }),
      ),
    );
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const rootPid = child.pid;
  // No pid: spawning failed, and `exited` rejects with the reason.
  if (rootPid === undefined)
    throw await exited.then(
      () => new Error("bash did not start"),
      (error: unknown) => error,
    );
  const tree: ProcessTree = linux
    ? new ProcfsProcessTree(rootPid, marker, startedAfterTicks)
    : new ProcessGroupTree(rootPid);
  // The tree knows the wrapper's output pipe: the command may start (fd 3 is a socket pair, written both ways). A
  // wrapper already gone (killed) is `exited`'s to report, not this write's.
  const control = child.stdio[3] as Duplex;
  control.on("error", () => undefined);
  control.write("\n");

  const tail = new LogTail(options.logTailLines);
  const output = hooks.output;
  let endsWithNewline = true;
  const stdout = child.stdout!;
  stdout.on("data", (chunk: Buffer) => {
    tail.push(chunk);
    if (!output) return;
    endsWithNewline = chunk[chunk.length - 1] === 0x0a;
    // Backpressure: a slow log reader pauses the command's output instead of growing a buffer.
    if (!output.write(chunk)) {
      stdout.pause();
      output.once("drain", () => stdout.resume());
    }
  });
  const outputClosed = new Promise<void>((resolve) => stdout.once("close", resolve));
  let timesReport = "";
  control.on("data", (chunk: Buffer) => (timesReport += chunk.toString("latin1")));

  let sampledCpuSeconds = 0;
  let sampleTimer: NodeJS.Timeout | undefined;
  const sample = (wait: number): void => {
    sampleTimer = setTimeout(() => {
      sampledCpuSeconds = Math.max(sampledCpuSeconds, tree.sample()?.cpuSeconds ?? 0);
      sample(Math.min(wait * 2, hooks.sampleIntervalMs ?? 1000));
    }, wait);
  };
  sample(FIRST_SAMPLE_MS);

  const gpu = hooks.gpu ?? new GpuSampler();
  gpu.start();

  let stopReason: "timed-out" | "cancelled" | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (reason: "timed-out" | "cancelled", graceMs: number, message: string): void => {
    if (stopReason) return;
    stopReason = reason;
    log(`${message}: stopping the command and every process it started (TERM, then KILL after ${graceMs / 1000}s)`);
    stopping = terminateTree(tree, graceMs);
  };
  const timeout = setTimeout(
    () => stop("timed-out", options.killGraceMs, `timeout of ${formatDuration(options.timeoutMs / 1000)} reached`),
    Math.min(options.timeoutMs, MAX_TIMER_MS),
  );
  const onAbort = (): void => stop("cancelled", Math.min(options.killGraceMs, CANCEL_GRACE_MAX_MS), "cancelled");
  if (hooks.signal?.aborted) onAbort();
  else hooks.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const { code, signal } = await exited;
    clearTimeout(timeout);
    clearTimeout(sampleTimer);
    const finishedAt = new Date();
    const wallSeconds = (performance.now() - started) / 1000;
    // Background processes the command left running would hold the runner (and the output pipe) forever.
    let strayProcesses = stopReason ? 0 : tree.alive();
    if (!stopReason && strayProcesses === 0) {
      // Another look: a process caught in the middle of exec cannot be read, and would be missed. While the output pipe
      // stays open something still holds it, so the looks go on (on a loaded machine one was not always enough).
      let closed = false;
      void outputClosed.then(() => (closed = true));
      const until = performance.now() + OUTPUT_DRAIN_MS;
      do {
        await delay(STRAY_RECHECK_MS);
        strayProcesses = tree.alive();
      } while (strayProcesses === 0 && !closed && performance.now() < until);
    }
    if (strayProcesses > 0) {
      log(`${strayProcesses} background process(es) still running after the command exited: stopping them`);
      stopping = terminateTree(tree, options.killGraceMs);
    }
    await stopping;
    const drained = await Promise.race([outputClosed.then(() => true), delay(OUTPUT_DRAIN_MS, false, { ref: false })]);
    if (!drained) stdout.destroy();
    tail.end();
    if (output && !endsWithNewline) output.write("\n");
    const cpuSeconds = parseTimesReport(timesReport) ?? (linux ? sampledCpuSeconds : undefined);
    const gpuUsage = await gpu.stop();
    return {
      status: stopReason ?? (code === 0 ? "succeeded" : "failed"),
      exitCode: code,
      signal: signal ?? signalOfExitCode(code),
      startedAt,
      finishedAt,
      resources: {
        wallSeconds,
        ...(cpuSeconds === undefined ? {} : { cpuSeconds }),
        ...(tree.peakRssBytes === undefined ? {} : { peakRssBytes: tree.peakRssBytes }),
        ...(gpuUsage ? { gpu: gpuUsage } : {}),
      },
      logTail: tail.toArray(),
      outputLines: tail.totalLines,
      strayProcesses,
    };
  } catch (error) {
    await gpu.stop();
    throw error;
  } finally {
    clearTimeout(timeout);
    clearTimeout(sampleTimer);
    hooks.signal?.removeEventListener("abort", onAbort);
  }
}

/** TERM to every process of the tree, KILL to whatever is left after the grace period, until none remain. */
export async function terminateTree(tree: ProcessTree, graceMs: number): Promise<void> {
  if (tree.signal("SIGTERM") === 0) return;
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await delay(STOP_POLL_MS);
    if (tree.alive() === 0) return;
  }
  // Processes may fork while being killed: repeat until a round finds nothing.
  for (let round = 0; round < KILL_ROUNDS; round++) {
    if (tree.signal("SIGKILL") === 0) return;
    await delay(STOP_POLL_MS);
  }
}

/** The children's user and system time from bash's `times` (second line, e.g. `1m2.345s 0m0.100s`). */
export function parseTimesReport(report: string): number | undefined {
  const childrenLine = report.split("\n")[1];
  if (!childrenLine) return undefined;
  const times = [...childrenLine.matchAll(/(\d+)m(\d+)(?:[.,](\d+))?s/g)];
  if (times.length !== 2) return undefined;
  return times.reduce(
    (sum, [, minutes, seconds, fraction]) =>
      sum + Number(minutes) * 60 + Number(seconds) + (fraction ? Number(`0.${fraction}`) : 0),
    0,
  );
}

/** Shells report a command killed by signal N as exit code 128+N (137: SIGKILL, often the out-of-memory killer). */
export function signalOfExitCode(code: number | null): string | null {
  if (code === null || code <= 128) return null;
  const found = Object.entries(constants.signals).find(([, number]) => number === code - 128);
  return found ? found[0] : null;
}
