import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";

export interface GpuUsage {
  /** `NVIDIA A10G`, or `4 x NVIDIA A100-SXM4-80GB` for several of one kind. */
  name: string;
  /** The highest memory in use summed over the GPUs (device-wide, as nvidia-smi reports it). */
  peakMemoryBytes?: number;
}

export interface GpuReading {
  index: number;
  name: string;
  memoryUsedBytes: number | undefined;
}

const MIB = 1024 * 1024;
const STOP_WAIT_MS = 2000;

/** The first executable `name` on PATH, without running anything. */
export function findOnPath(name: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** One line of `nvidia-smi --query-gpu=index,name,memory.used --format=csv,noheader,nounits`. */
export function parseGpuLine(line: string): GpuReading | undefined {
  const match = /^\s*(\d+)\s*,\s*(.+?)\s*,\s*([^,]*?)\s*$/.exec(line);
  if (!match) return undefined;
  const memory = Number(match[3]);
  // MIG and some virtual GPUs answer "[N/A]" for memory: the GPU still counts, its memory is unknown.
  return {
    index: Number(match[1]),
    name: match[2]!,
    memoryUsedBytes: match[3] !== "" && Number.isFinite(memory) ? memory * MIB : undefined,
  };
}

/** Folds readings (one line per GPU per sample, index 0 first) into the name and the peak of summed memory. */
export class GpuPeak {
  private readonly names = new Map<number, string>();
  private readonly sampleIndices = new Set<number>();
  private sampleMemory: number | undefined;
  private peak: number | undefined;

  add(reading: GpuReading): void {
    if (this.sampleIndices.has(reading.index)) this.closeSample();
    this.sampleIndices.add(reading.index);
    this.names.set(reading.index, reading.name);
    if (reading.memoryUsedBytes !== undefined) this.sampleMemory = (this.sampleMemory ?? 0) + reading.memoryUsedBytes;
  }

  result(): GpuUsage | undefined {
    this.closeSample();
    if (this.names.size === 0) return undefined;
    const counts = new Map<string, number>();
    for (const name of [...this.names].sort(([a], [b]) => a - b).map(([, n]) => n))
      counts.set(name, (counts.get(name) ?? 0) + 1);
    const name = [...counts].map(([gpu, count]) => (count > 1 ? `${count} x ${gpu}` : gpu)).join(", ");
    return this.peak === undefined ? { name } : { name, peakMemoryBytes: this.peak };
  }

  private closeSample(): void {
    if (this.sampleMemory !== undefined) this.peak = Math.max(this.peak ?? 0, this.sampleMemory);
    this.sampleMemory = undefined;
    this.sampleIndices.clear();
  }
}

/**
 * Samples GPU memory while a command runs with nvidia-smi's own loop mode (`-lms`): one long-lived process
 * instead of one per sample. Absent nvidia-smi (no GPU), nothing is started.
 */
export class GpuSampler {
  private readonly peak = new GpuPeak();
  private child: ChildProcess | undefined;
  private finished: Promise<void> = Promise.resolve();

  constructor(
    private readonly executable: string | undefined = findOnPath("nvidia-smi"),
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    if (!this.executable) return;
    const child = spawn(
      this.executable,
      ["--query-gpu=index,name,memory.used", "--format=csv,noheader,nounits", `--loop-ms=${this.intervalMs}`],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    this.child = child;
    child.on("error", () => undefined); // a broken driver install: no GPU figures, the run goes on
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const reading = parseGpuLine(line);
      if (reading) this.peak.add(reading);
    });
    this.finished = new Promise((resolve) => lines.once("close", resolve));
  }

  async stop(): Promise<GpuUsage | undefined> {
    this.child?.kill("SIGTERM");
    // nvidia-smi can hang on a wedged driver; the run record must not wait for it.
    const stopped = await Promise.race([this.finished.then(() => true), delay(STOP_WAIT_MS, false, { ref: false })]);
    if (!stopped) this.child?.kill("SIGKILL");
    return this.peak.result();
  }
}
