import { formatDuration } from "@ctrain/core";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { LogTail } from "@ctrain/train";
import {
  ProcessGroupTree,
  ProcfsProcessTree,
  TREE_MARKER_VARIABLE,
  bootTicksNow,
  procfsAvailable,
  terminateTree,
  type ProcessTree,
} from "@ctrain/train";
import { LineReader, type ArrivedLine } from "./line-reader.js";
import { READY_LINE } from "./protocol.js";

/** Why serving failed: the model never loaded, or the process broke the protocol. */
export class ServeFailure extends Error {
  override readonly name = "ServeFailure";

  constructor(
    readonly kind: "load" | "protocol",
    message: string,
  ) {
    super(message);
  }
}

export interface ServeOptions {
  /** The program and its arguments, run without a shell. */
  argv: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  requestTimeoutMs: number;
  /** Between closing stdin and stopping the tree, then between TERM and KILL. */
  stopGraceMs: number;
  /** stderr, and stdout before `ready`: shown when the model fails to load. */
  logTail: LogTail;
  /** The longest response line accepted. */
  maxLineChars: number;
}

/** How often the process tree's memory is read while the model serves. */
const MEMORY_SAMPLE_MS = 50;

/**
 * One run of the load-and-predict command: started in its own process group (so its whole tree can be stopped),
 * `ready` awaited, then one request line at a time answered by one response line.
 */
export class ServeSession {
  private readonly lines: LineReader;
  private readonly tree: ProcessTree;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exited: Promise<void>;
  private readonly sampler: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    private readonly options: ServeOptions,
    readonly startedAt: number,
    marker: string,
    startedAfterTicks: number,
  ) {
    this.lines = new LineReader(options.maxLineChars);
    const linux = procfsAvailable();
    this.tree = linux ? new ProcfsProcessTree(child.pid!, marker, startedAfterTicks) : new ProcessGroupTree(child.pid!);
    child.stdout.on("data", (chunk: Buffer) => this.lines.push(chunk));
    child.stdout.once("close", () => this.lines.end());
    child.stderr.on("data", (chunk: Buffer) => options.logTail.push(chunk));
    // A process that stops reading its stdin must not crash ctrain with EPIPE: its exit is reported instead.
    child.stdin.on("error", () => undefined);
    this.exited = new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        this.exit = { code, signal };
        resolve();
      }),
    );
    this.sampler = setInterval(() => this.tree.sample(), MEMORY_SAMPLE_MS);
    this.sampler.unref();
  }

  /** Starts the command; a command that cannot be started at all is a load failure. */
  static async start(options: ServeOptions): Promise<ServeSession> {
    const [file, ...args] = options.argv;
    const marker = randomUUID();
    const startedAfterTicks = procfsAvailable() ? bootTicksNow() - 1 : 0;
    const startedAt = performance.now();
    const child = spawn(file!, args, {
      cwd: options.cwd,
      env: { ...options.env, [TREE_MARKER_VARIABLE]: marker },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const spawned = await new Promise<Error | undefined>((resolve) => {
      child.once("spawn", () => resolve(undefined));
      child.once("error", resolve);
    });
    if (spawned) throw new ServeFailure("load", `the command could not be started: ${spawned.message}`);
    return new ServeSession(child, options, startedAt, marker, startedAfterTicks);
  }

  /** The highest resident memory of the process tree seen so far (Linux), in bytes. */
  get peakRssBytes(): number | undefined {
    return this.tree.peakRssBytes;
  }

  /** Waits for `ready`; lines before it are the command's own log. Returns the cold start in milliseconds. */
  async ready(): Promise<number> {
    const deadline = this.startedAt + this.options.readyTimeoutMs;
    for (;;) {
      const line = await this.nextLine(
        deadline - performance.now(),
        "load",
        "before printing `ready`",
        this.options.readyTimeoutMs,
      );
      if (line.text.trim() === READY_LINE) {
        this.tree.sample();
        return line.at - this.startedAt;
      }
      this.options.logTail.push(Buffer.from(`${line.text}\n`));
    }
  }

  /** Sends one request line and returns the response line and its latency in milliseconds. */
  async request(requestLine: string): Promise<{ response: string; latencyMs: number }> {
    const sent = performance.now();
    this.child.stdin.write(`${requestLine}\n`);
    const line = await this.nextLine(
      this.options.requestTimeoutMs,
      "protocol",
      "before answering",
      this.options.requestTimeoutMs,
    );
    return { response: line.text, latencyMs: line.at - sent };
  }

  /** Closes stdin, gives the command a moment to exit by itself, then stops whatever of its tree is left. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.child.stdin.end();
    await Promise.race([this.exited, delay(this.options.stopGraceMs, undefined, { ref: false })]);
    this.tree.sample();
    clearInterval(this.sampler);
    await terminateTree(this.tree, this.options.stopGraceMs);
    this.child.stdout.destroy();
    this.child.stderr.destroy();
  }

  /** The next stdout line within `waitMs`; `limitMs` is the configured limit the message names. */
  private async nextLine(
    waitMs: number,
    phase: ServeFailure["kind"],
    what: string,
    limitMs: number,
  ): Promise<ArrivedLine> {
    const timer = new AbortController();
    const timedOut = delay(Math.max(0, waitMs), "timeout" as const, { signal: timer.signal }).catch(
      () => "aborted" as const,
    );
    const line = await Promise.race([this.lines.next(), timedOut]);
    timer.abort();
    if (line === "timeout" || line === "aborted") {
      throw new ServeFailure(phase, `the command printed nothing for ${formatDuration(limitMs / 1000)} ${what}`);
    }
    if (line === undefined) {
      if (this.lines.overflowed) {
        throw new ServeFailure(
          "protocol",
          `the command wrote a line longer than ${this.options.maxLineChars} characters`,
        );
      }
      await Promise.race([this.exited, delay(this.options.stopGraceMs, undefined, { ref: false })]);
      const how = this.exit
        ? this.exit.signal
          ? `was ended by ${this.exit.signal}`
          : `exited with code ${this.exit.code}`
        : "closed its standard output";
      throw new ServeFailure(phase, `the command ${how} ${what}`);
    }
    return line;
  }
}
