import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { UserError } from "@ctrain/core";
import {
  DatasetProfiler,
  datasetFingerprint,
  type ColumnProfile,
  type DatasetProfile,
  type ProfileOptions,
} from "../profile/index.js";
import { CsvBatch, type CsvBatchParts } from "../readers/csv-batch.js";
import { resolveReadOptions } from "../readers/options.js";
import { resolveDataFiles } from "../readers/sources.js";
import { readBatches, type ReadOptions, type ReadProgress, type RecordBatch } from "../readers/index.js";

/** What a profile thread reads and how it profiles; plain data, so it crosses to the worker. */
export interface ProfileRequest {
  sources: readonly string[];
  read: Omit<ReadOptions, "onProgress">;
  profile: ProfileOptions;
}

const ROLE = "ctrain-profile";

/** Batches a reading thread may hand over before the checks took them: memory stays bounded when they are slower. */
const BATCHES_IN_FLIGHT = 8;

type WorkerMessage =
  | { batch: CsvBatchParts; progress: ReadProgress }
  | { profile: DatasetProfile }
  | { error: { message: string; location?: string; hint?: string; user: boolean; stack?: string } };

/**
 * Which thread profiles a column when the reading thread hands batches over: by the column's first-seen position, the
 * thread that runs the checks takes every other column. Measured on the validate benchmark (20 columns, 43 checks with
 * duplicate rows and conflicting labels), runs alternating: every other column 6.4-8.0 s at 256 MB, every third
 * 7.3-8.6 s, even at 1 GB (every fifth, in earlier runs, 7.1-7.9 s). Both threads see the same batches in the same
 * order, so they split alike, and the profile does not depend on timing.
 */
class ColumnSplit {
  private readonly positions = new Map<string, number>();

  /** Columns in first-seen order. */
  get order(): string[] {
    return [...this.positions.keys()];
  }

  profiledByChecks(column: string): boolean {
    let position = this.positions.get(column);
    if (position === undefined) {
      position = this.positions.size;
      this.positions.set(column, position);
    }
    return position % 2 === 1;
  }
}

/** One profile of the same rows from two profiles that each hold a share of the columns. */
function joinColumnShares(order: readonly string[], shares: readonly DatasetProfile[]): DatasetProfile {
  const columns: Record<string, ColumnProfile> = {};
  for (const name of order) {
    const share = shares.find((profile) => Object.hasOwn(profile.columns, name));
    if (share) columns[name] = share.columns[name]!;
  }
  const rows = shares[0]!.rows;
  return { rows, fingerprint: datasetFingerprint(rows, columns), columns };
}

/** Raised by `DatasetReading.batches` when its thread outgrew its heap bound after handing over batches. */
export class ReadingThreadOutOfMemory extends Error {
  constructor() {
    super("the reading thread outgrew its heap bound");
  }
}

/**
 * A worker thread that reads and profiles a dataset. It either hands each batch over to the calling thread for the
 * checks, classified, so the input is read and classified once (`shipping`), or only profiles while the calling
 * thread reads the files again (for JSON Lines and Parquet, whose values would cost more to move than to read).
 */
class ProfileThread {
  private readonly worker: Worker;
  private readonly messages: WorkerMessage[] = [];
  private failure?: Error;
  private wake?: () => void;
  private readonly credits?: Int32Array;
  private sent?: DatasetProfile;

  constructor(entry: URL | string, request: ProfileRequest, heapMb: number, shipping: boolean) {
    const credits = shipping ? new SharedArrayBuffer(4) : undefined;
    if (credits) {
      this.credits = new Int32Array(credits);
      this.credits[0] = BATCHES_IN_FLIGHT;
    }
    this.worker = new Worker(entry, {
      workerData: { role: ROLE, request, credits },
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on("message", (message: WorkerMessage) => {
      this.messages.push(message);
      this.wake?.();
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      this.wake?.();
    };
    this.worker.once("error", fail);
    this.worker.once("exit", (code) => fail(new Error(`the profile thread stopped (exit code ${code}) early`)));
  }

  /** The batches the thread hands over, until it sends the profile. */
  async *batches(onProgress: (progress: ReadProgress) => void): AsyncGenerator<RecordBatch> {
    for (;;) {
      const message = await this.next();
      if (!("batch" in message)) {
        this.sent = settle(message);
        return;
      }
      onProgress(message.progress);
      yield CsvBatch.fromParts(message.batch);
      Atomics.add(this.credits!, 0, 1);
      Atomics.notify(this.credits!, 0);
    }
  }

  /** The profile the thread sends after its last batch. */
  async profile(): Promise<DatasetProfile> {
    while (!this.sent) {
      const message = await this.next();
      if (!("batch" in message)) this.sent = settle(message);
    }
    return this.sent;
  }

  async cancel(): Promise<void> {
    await this.worker.terminate();
  }

  private async next(): Promise<WorkerMessage> {
    for (;;) {
      const message = this.messages.shift();
      if (message) return message;
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

/** The profile a thread's last message carries, or the error it reports, rebuilt (a UserError stays one). */
function settle(message: Exclude<WorkerMessage, { batch: CsvBatchParts }>): DatasetProfile {
  if ("profile" in message) return message.profile;
  const { message: text, location, hint, user, stack } = message.error;
  if (user) throw new UserError(text, { location, hint });
  throw Object.assign(new Error(text), { stack });
}

/** Where a profile thread starts, and from which dataset size on one is worth its start-up (default 64 MiB). */
export interface ProfileThreadOptions {
  /** A script that calls `serveProfileThread()` first thing (the bundle the caller runs from). */
  entry: URL | string;
  minBytes?: number;
  /** The thread's heap bound in MiB; default 128. */
  heapLimitMb?: number;
}

const PROFILE_THREAD_MIN_BYTES = 64 * 1024 * 1024;
/**
 * Sketches are bounded per column (exact counts up to 1,000 values, Misra-Gries, KLL), so the heap needs little; V8
 * would otherwise let an idle-looking heap grow far past that before collecting. A wider dataset falls back to one
 * thread.
 */
const PROFILE_THREAD_HEAP_MB = 128;

/**
 * A dataset's batches for the checks, and its profile. Small datasets are read and profiled on this thread. From
 * `minBytes` on, when a profile thread is allowed, a worker thread profiles: CSV it reads once and hands over batch by
 * batch, classified; other formats this thread reads again while the worker profiles. Should a worker outgrow its
 * heap bound (a very wide dataset), a CSV read raises `ReadingThreadOutOfMemory` (the caller starts over on one
 * thread), and other formats are profiled again here.
 */
export class DatasetReading {
  private readonly profiler: DatasetProfiler;
  private thread?: ProfileThread;
  private shipping = false;
  private readonly split = new ColumnSplit();

  constructor(
    private readonly request: ProfileRequest,
    private readonly threads?: ProfileThreadOptions,
  ) {
    this.profiler = new DatasetProfiler(request.profile);
  }

  /** How the work is split, for the log; undefined on one thread. */
  get threading(): "shipping" | "profiling" | undefined {
    return this.thread ? (this.shipping ? "shipping" : "profiling") : undefined;
  }

  async *batches(onProgress: (progress: ReadProgress) => void): AsyncGenerator<RecordBatch> {
    const { sources, read } = this.request;
    if (this.threads) {
      const files = await resolveDataFiles(sources, resolveReadOptions(read));
      const bytes = files.reduce((total, file) => total + file.size, 0);
      if (bytes >= (this.threads.minBytes ?? PROFILE_THREAD_MIN_BYTES)) {
        this.shipping = files.every((file) => file.format === "csv");
        const heapMb = this.threads.heapLimitMb ?? PROFILE_THREAD_HEAP_MB;
        this.thread = new ProfileThread(this.threads.entry, this.request, heapMb, this.shipping);
      }
    }
    if (this.thread && this.shipping) {
      try {
        for await (const batch of this.thread.batches(onProgress)) {
          this.profiler.addBatch(batch, (column) => this.split.profiledByChecks(column));
          yield batch;
        }
      } catch (error) {
        if (isOutOfMemory(error)) throw new ReadingThreadOutOfMemory();
        throw error;
      }
      return;
    }
    for await (const batch of readBatches(sources, { ...read, onProgress })) {
      if (!this.thread) this.profiler.addBatch(batch);
      yield batch;
    }
  }

  /** The profile, once `batches` ran to its end. */
  async profile(): Promise<DatasetProfile> {
    if (!this.thread) return this.profiler.toProfile();
    if (this.shipping)
      return joinColumnShares(this.split.order, [this.profiler.toProfile(), await this.thread.profile()]);
    try {
      return await this.thread.profile();
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      for await (const batch of readBatches(this.request.sources, this.request.read)) this.profiler.addBatch(batch);
      return this.profiler.toProfile();
    }
  }

  async cancel(): Promise<void> {
    await this.thread?.cancel();
  }
}

function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
}

/**
 * The worker side: when this thread was started as a profile thread, reads and profiles the dataset it was given
 * (handing each batch over when asked to), replies and returns true. On any other thread it returns false at once, so
 * an entry script runs its own work instead.
 */
export async function serveProfileThread(): Promise<boolean> {
  const data = workerData as { role?: string; request?: ProfileRequest; credits?: SharedArrayBuffer } | undefined;
  if (isMainThread || data?.role !== ROLE || !data.request || !parentPort) return false;
  const port = parentPort;
  const { sources, read, profile } = data.request;
  const credits = data.credits ? new Int32Array(data.credits) : undefined;
  let reply: WorkerMessage;
  try {
    const profiler = new DatasetProfiler(profile);
    const split = credits ? new ColumnSplit() : undefined;
    let progress: ReadProgress | undefined;
    for await (const batch of readBatches(sources, { ...read, onProgress: (report) => (progress = report) })) {
      profiler.addBatch(batch, split && ((column) => !split.profiledByChecks(column)));
      if (!credits) continue;
      if (!(batch instanceof CsvBatch)) throw new Error(`only CSV batches are handed over, not ${batch.format}`);
      // Blocks this thread while the checks hold as many batches as they may.
      while (Atomics.load(credits, 0) <= 0) Atomics.wait(credits, 0, Atomics.load(credits, 0));
      Atomics.sub(credits, 0, 1);
      const { parts, transfer } = batch.toParts();
      port.postMessage({ batch: parts, progress }, transfer);
    }
    reply = { profile: profiler.toProfile() };
  } catch (error) {
    const user = error instanceof UserError;
    const { message, stack } = error instanceof Error ? error : new Error(String(error));
    reply = {
      error: { message, user, stack, ...(user ? { location: error.location, hint: error.hint } : {}) },
    };
  }
  port.postMessage(reply);
  return true;
}
