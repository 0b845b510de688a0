import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { CtrainConfig, ProfileDocument, UserError } from "@ctrain/core";
import type { BaselineProfile } from "./baseline-profile.js";
import type { ValidationLog, ValidationProgress } from "./progress-log.js";
import { fromThreadError, toThreadError, type ThreadError } from "./thread-errors.js";
import {
  validateDataset,
  type DatasetEntry,
  type DatasetHooks,
  type DatasetOutcome,
  type DatasetSettings,
} from "./validate-dataset.js";

const ROLE = "ctrain-dataset";

/**
 * A dataset thread's heap bound in MiB. It validates a dataset below the profile threads' size on its own: the repeat
 * checks' tables (8 MiB each, spilling past that), bounded sketches and a few batches in flight fit with room to
 * spare. One that outgrows it is validated again on the calling thread.
 */
const DATASET_THREAD_HEAP_MB = 256;

/** One dataset to validate on a dataset thread; plain data, so it crosses to the worker. */
export interface DatasetThreadJob {
  name: string;
  config: CtrainConfig;
  settings: DatasetSettings;
  baseline: BaselineProfile | undefined;
}

interface DatasetThreadData {
  role: typeof ROLE;
}

type LogCall = { method: "info" | "startGroup"; text: string } | { method: "endGroup" };

type DatasetThreadMessage =
  | { log: LogCall }
  | { progress: ValidationProgress }
  | { outcome: { entry: DatasetEntry; profile?: ProfileDocument; error?: ThreadError } }
  | { failure: ThreadError };

type Hooks = Pick<DatasetHooks, "log" | "onProgress">;

/**
 * Worker threads started from `entry` (see `ProfileThreadOptions.entry`) that validate one dataset at a time each. A
 * thread is kept for the next dataset, so each starts and warms up once: on four 30 MB datasets, a new thread per
 * dataset cost about 2 CPU-s more than one thread for all (about 5.7), a kept one about 1. Call `close` when done.
 */
export class DatasetThreads {
  private readonly idle: DatasetThread[] = [];
  private closed = false;

  constructor(private readonly entry: URL | string) {}

  /**
   * The outcome `validateDataset` gives on this thread, but for the profile's `createdAt`, which the caller sets; the
   * log lines and progress are passed on as they come. Rejects with the worker's error (`ERR_WORKER_OUT_OF_MEMORY`
   * when it outgrew its heap bound).
   */
  async validate(job: DatasetThreadJob, hooks: Hooks): Promise<DatasetOutcome> {
    const thread = this.idle.pop() ?? new DatasetThread(this.entry);
    let outcome: DatasetOutcome;
    try {
      outcome = await thread.validate(job, hooks);
    } catch (error) {
      await thread.close();
      throw error;
    }
    // A thread left running would keep the process alive.
    if (this.closed) await thread.close();
    else this.idle.push(thread);
    return outcome;
  }

  /** Stops the idle threads, and the busy ones once their dataset is done (after a failure elsewhere). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((thread) => thread.close()));
  }
}

class DatasetThread {
  private readonly worker: Worker;
  private current?: { hooks: Hooks; resolve: (outcome: DatasetOutcome) => void; reject: (error: Error) => void };
  private failure?: Error;

  constructor(entry: URL | string) {
    const data: DatasetThreadData = { role: ROLE };
    this.worker = new Worker(entry, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: DATASET_THREAD_HEAP_MB, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on("message", (message: DatasetThreadMessage) => this.receive(message));
    this.worker.once("error", (error) => this.fail(error));
    this.worker.once("exit", (code) => this.fail(new Error(`the dataset thread stopped (exit code ${code}) early`)));
  }

  validate(job: DatasetThreadJob, hooks: Hooks): Promise<DatasetOutcome> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.current = { hooks, resolve, reject };
      this.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private receive(message: DatasetThreadMessage): void {
    const { hooks, resolve, reject } = this.current!;
    if ("log" in message) replay(message.log, hooks.log);
    else if ("progress" in message) hooks.onProgress?.(message.progress);
    else {
      this.current = undefined;
      if ("failure" in message) reject(fromThreadError(message.failure));
      else resolve(fromThreadOutcome(message.outcome));
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.current?.reject(error);
    this.current = undefined;
  }
}

function replay(call: LogCall, log: ValidationLog): void {
  if (call.method === "endGroup") log.endGroup();
  else log[call.method](call.text);
}

function fromThreadOutcome(outcome: { entry: DatasetEntry; profile?: ProfileDocument; error?: ThreadError }) {
  const { error, ...rest } = outcome;
  return { ...rest, ...(error ? { error: fromThreadError(error) as UserError } : {}) };
}

/**
 * The worker side: when this thread was started as a dataset thread, validates each dataset it is sent, passing its
 * log lines and progress on, replies, and returns true (the thread then lives until it is stopped). On any other
 * thread it returns false at once.
 */
export async function serveDatasetThread(): Promise<boolean> {
  const data = workerData as Partial<DatasetThreadData> | undefined;
  if (isMainThread || data?.role !== ROLE || !parentPort) return false;
  const port = parentPort;
  const post = (message: DatasetThreadMessage): void => port.postMessage(message);
  const log: ValidationLog = {
    info: (text) => post({ log: { method: "info", text } }),
    startGroup: (text) => post({ log: { method: "startGroup", text } }),
    endGroup: () => post({ log: { method: "endGroup" } }),
  };
  port.on("message", (job: DatasetThreadJob) => void validateJob(job, log, post));
  return true;
}

/** Validates one dataset sent to this thread and replies with its outcome, or with the error that stopped it. */
async function validateJob(
  { name, config, settings, baseline }: DatasetThreadJob,
  log: ValidationLog,
  post: (message: DatasetThreadMessage) => void,
): Promise<void> {
  try {
    const outcome = await validateDataset(name, config, settings, baseline, {
      log,
      onProgress: (progress) => post({ progress }),
      now: () => new Date(),
    });
    const { error, ...rest } = outcome;
    post({ outcome: { ...rest, ...(error ? { error: toThreadError(error) } : {}) } });
  } catch (error) {
    post({ failure: toThreadError(error) });
  }
}
