import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { UserError } from "@ctrain/core";
import { DatasetProfiler, type DatasetProfile, type ProfileOptions } from "../profile/index.js";
import { readBatches, type ReadOptions, type RecordBatch } from "../readers/index.js";

/** What a profile thread reads and how it profiles; plain data, so it crosses to the worker. */
export interface ProfileRequest {
  sources: readonly string[];
  read: Omit<ReadOptions, "onProgress">;
  profile: ProfileOptions;
}

const ROLE = "ctrain-profile";

type WorkerReply =
  | { profile: DatasetProfile }
  | { error: { message: string; location?: string; hint?: string; user: boolean; stack?: string } };

/**
 * The profile thread's heap bound: sketches are bounded per column (exact counts up to 1,000 values, Misra-Gries,
 * KLL), so the heap needs a base plus a quarter MiB per column; V8 would otherwise let an idle-looking heap grow
 * far past that before collecting.
 */
function heapLimitMb(columns: number): number {
  return 48 + Math.ceil(columns / 4);
}

/**
 * Profiles a dataset on a worker thread that reads the files itself, while the calling thread reads them again for
 * the checks: the two halves of validation then run on two cores. `entry` is a script that calls
 * `serveProfileThread` first thing (the bundle the caller runs from).
 */
export class ProfileThread {
  private readonly worker: Worker;
  private readonly reply: Promise<DatasetProfile>;

  constructor(entry: URL | string, request: ProfileRequest, heapMb: number) {
    this.worker = new Worker(entry, {
      workerData: { role: ROLE, request },
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    });
    this.reply = new Promise((resolve, reject) => {
      this.worker.once("message", (reply: WorkerReply) => {
        if ("profile" in reply) return resolve(reply.profile);
        const { message, location, hint, user, stack } = reply.error;
        if (user) reject(new UserError(message, { location, hint }));
        else reject(Object.assign(new Error(message), { stack }));
      });
      this.worker.once("error", reject);
      this.worker.once("exit", (code) =>
        reject(new Error(`the profile thread stopped (exit code ${code}) without a profile`)),
      );
    });
    // The caller may stop listening (a failed read cancels the thread); the rejection is then expected.
    this.reply.catch(() => undefined);
  }

  profile(): Promise<DatasetProfile> {
    return this.reply;
  }

  async cancel(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Where a profile thread starts, and from which dataset size on one is worth its start-up (default 64 MiB). */
export interface ProfileThreadOptions {
  /** A script that calls `serveProfileThread()` first thing (the bundle the caller runs from). */
  entry: URL | string;
  minBytes?: number;
  /** The thread's heap bound in MiB; default 48 plus a quarter per column. */
  heapLimitMb?: number;
}

const PROFILE_THREAD_MIN_BYTES = 64 * 1024 * 1024;

/**
 * A dataset's profile, made on this thread batch by batch, or, when the first batch shows the dataset is large and a
 * profile thread is allowed, on a worker thread that reads it from the start while this thread runs the checks.
 * Should the thread outgrow its heap bound (a very wide dataset), the dataset is profiled again here.
 */
export class DatasetProfiling {
  private readonly profiler: DatasetProfiler;
  private thread?: ProfileThread;
  private totalBytes = 0;
  private batches = 0;

  constructor(
    private readonly request: ProfileRequest,
    private readonly threads?: ProfileThreadOptions,
  ) {
    this.profiler = new DatasetProfiler(request.profile);
  }

  /** True when the profile is made on a worker thread. */
  get threaded(): boolean {
    return this.thread !== undefined;
  }

  /** The dataset's size on disk, as the read's progress reports tell it. */
  sized(totalBytes: number): void {
    this.totalBytes = totalBytes;
  }

  add(batch: RecordBatch): void {
    if (
      this.batches++ === 0 &&
      this.threads &&
      this.totalBytes >= (this.threads.minBytes ?? PROFILE_THREAD_MIN_BYTES)
    ) {
      const heapMb = this.threads.heapLimitMb ?? heapLimitMb(batch.columns.length);
      this.thread = new ProfileThread(this.threads.entry, this.request, heapMb);
    }
    if (!this.thread) this.profiler.addBatch(batch);
  }

  async profile(): Promise<DatasetProfile> {
    if (!this.thread) return this.profiler.toProfile();
    try {
      return await this.thread.profile();
    } catch (error) {
      if ((error as { code?: string }).code !== "ERR_WORKER_OUT_OF_MEMORY") throw error;
      for await (const batch of readBatches(this.request.sources, this.request.read)) this.profiler.addBatch(batch);
      return this.profiler.toProfile();
    }
  }

  async cancel(): Promise<void> {
    await this.thread?.cancel();
  }
}

/**
 * The worker side: when this thread was started as a profile thread, profiles the dataset it was given, replies
 * and returns true. On any other thread it returns false at once, so an entry script runs its own work instead.
 */
export async function serveProfileThread(): Promise<boolean> {
  const data = workerData as { role?: string; request?: ProfileRequest } | undefined;
  if (isMainThread || data?.role !== ROLE || !data.request || !parentPort) return false;
  const { sources, read, profile } = data.request;
  let reply: WorkerReply;
  try {
    const profiler = new DatasetProfiler(profile);
    for await (const batch of readBatches(sources, read)) profiler.addBatch(batch);
    reply = { profile: profiler.toProfile() };
  } catch (error) {
    const user = error instanceof UserError;
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    reply = {
      error: { message, user, stack, ...(user ? { location: error.location, hint: error.hint } : {}) },
    };
  }
  parentPort.postMessage(reply);
  return true;
}
