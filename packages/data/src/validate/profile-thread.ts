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
 * Which thread profiles a column: the columns, by first-seen position, are dealt out over `shares` threads in turn
 * (share `position % shares`). Every thread sees the same batches in the same order, so they split alike, and the
 * profile does not depend on timing. Measured on the validate benchmark (20 columns, 43 checks with duplicate rows and
 * conflicting labels) with two threads, runs alternating: every other column 6.4-8.0 s at 256 MB, every third to the
 * checking thread 7.3-8.6 s, even at 1 GB (every fifth, in earlier runs, 7.1-7.9 s).
 */
class ColumnSplit {
  private readonly positions = new Map<string, number>();

  constructor(private readonly shares: number) {}

  /** Columns in first-seen order. */
  get order(): string[] {
    return [...this.positions.keys()];
  }

  shareOf(column: string): number {
    let position = this.positions.get(column);
    if (position === undefined) {
      position = this.positions.size;
      this.positions.set(column, position);
    }
    return position % this.shares;
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

/** Which columns a profile thread profiles (its share of `shares`), and whether it hands its batches over. */
interface ThreadWork {
  share: number;
  shares: number;
  shipping: boolean;
}

interface ThreadData {
  role: typeof ROLE;
  request: ProfileRequest;
  share: number;
  shares: number;
  credits: SharedArrayBuffer | undefined;
}

/**
 * A worker thread that reads a dataset and profiles its share of the columns. It either hands each batch over to the
 * calling thread for the checks, classified, so the input is read and classified once (`shipping`), or only profiles
 * while the calling thread reads the files again (other threads, and JSON Lines and Parquet, whose values would cost
 * more to move than to read).
 */
class ProfileThread {
  private readonly worker: Worker;
  private readonly messages: WorkerMessage[] = [];
  private failure?: Error;
  private wake?: () => void;
  private readonly credits?: Int32Array;
  private sent?: DatasetProfile;

  constructor(entry: URL | string, request: ProfileRequest, heapMb: number, work: ThreadWork) {
    const credits = work.shipping ? new SharedArrayBuffer(4) : undefined;
    if (credits) {
      this.credits = new Int32Array(credits);
      this.credits[0] = BATCHES_IN_FLIGHT;
    }
    const data: ThreadData = { role: ROLE, request, share: work.share, shares: work.shares, credits };
    this.worker = new Worker(entry, {
      workerData: data,
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

/** Where profile threads start, and from which dataset size on they are worth their start-up (default 64 MiB). */
export interface ProfileThreadOptions {
  /** A script that calls `serveProfileThread()` first thing (the bundle the caller runs from). */
  entry: URL | string;
  minBytes?: number;
  /** Each thread's heap bound in MiB; default 128. */
  heapLimitMb?: number;
}

const PROFILE_THREAD_MIN_BYTES = 64 * 1024 * 1024;
/** The share of the columns the checking thread profiles when a worker hands CSV batches over. */
const CHECKING_SHARE = 1;
/**
 * Sketches are bounded per column (exact counts up to 1,000 values, Misra-Gries, KLL), so the heap needs little; V8
 * would otherwise let an idle-looking heap grow far past that before collecting. A wider dataset falls back to one
 * thread.
 */
const PROFILE_THREAD_HEAP_MB = 128;

/**
 * A dataset's batches for the checks, and its profile, on `threads` threads (this one included). Small datasets, or
 * one thread, are read and profiled here. From `minBytes` on, worker threads each profile a share of the columns: for
 * CSV the first reads the files once and hands its batches over, classified, and this thread profiles a share of them
 * besides running the checks; the other workers (and, for JSON Lines and Parquet, every worker) read the files again
 * themselves. Should a worker outgrow its heap bound (a very wide dataset), a CSV read raises
 * `ReadingThreadOutOfMemory` (the caller starts over on one thread), and otherwise the profile is made again here.
 */
export class DatasetReading {
  private profiler: DatasetProfiler;
  private readonly threadsStarted: ProfileThread[] = [];
  private shipping = false;
  private split = new ColumnSplit(1);

  constructor(
    private readonly request: ProfileRequest,
    private readonly threads: ProfileThreadOptions | undefined,
    private readonly threadCount = 1,
  ) {
    this.profiler = new DatasetProfiler(request.profile);
  }

  /** How the work is split, for the log; undefined on one thread. */
  get threading(): { mode: "shipping" | "profiling"; threads: number } | undefined {
    const workers = this.threadsStarted.length;
    if (workers === 0) return undefined;
    return { mode: this.shipping ? "shipping" : "profiling", threads: workers + 1 };
  }

  async *batches(onProgress: (progress: ReadProgress) => void): AsyncGenerator<RecordBatch> {
    const { sources, read } = this.request;
    if (this.threads && this.threadCount > 1) {
      const files = await resolveDataFiles(sources, resolveReadOptions(read));
      const bytes = files.reduce((total, file) => total + file.size, 0);
      if (bytes >= (this.threads.minBytes ?? PROFILE_THREAD_MIN_BYTES)) this.startThreads(files);
    }
    const [shipper] = this.threadsStarted;
    if (shipper && this.shipping) {
      try {
        for await (const batch of shipper.batches(onProgress)) {
          this.profiler.addBatch(batch, (column) => this.split.shareOf(column) === CHECKING_SHARE);
          yield batch;
        }
      } catch (error) {
        if (isOutOfMemory(error)) throw new ReadingThreadOutOfMemory();
        throw error;
      }
      return;
    }
    for await (const batch of readBatches(sources, { ...read, onProgress })) {
      if (shipper)
        for (const column of batch.columns) this.split.shareOf(column); // learns the first-seen order
      else this.profiler.addBatch(batch);
      yield batch;
    }
  }

  /**
   * CSV: the shipping worker takes share 0, this thread share 1, the others the rest. Other formats: the workers share
   * the columns among them, this thread only checks.
   */
  private startThreads(files: readonly { format: string }[]): void {
    const { entry, heapLimitMb } = this.threads!;
    this.shipping = files.every((file) => file.format === "csv");
    const shares = this.shipping ? this.threadCount : this.threadCount - 1;
    this.split = new ColumnSplit(shares);
    const heapMb = heapLimitMb ?? PROFILE_THREAD_HEAP_MB;
    for (let share = 0; share < shares; share++) {
      if (this.shipping && share === CHECKING_SHARE) continue;
      const shipping = this.shipping && share === 0;
      this.threadsStarted.push(new ProfileThread(entry, this.request, heapMb, { share, shares, shipping }));
    }
  }

  /** The profile, once `batches` ran to its end. */
  async profile(): Promise<DatasetProfile> {
    if (this.threadsStarted.length === 0) return this.profiler.toProfile();
    const own = this.shipping ? [this.profiler.toProfile()] : [];
    try {
      const theirs = await Promise.all(this.threadsStarted.map((thread) => thread.profile()));
      return joinColumnShares(this.split.order, [...own, ...theirs]);
    } catch (error) {
      if (!isOutOfMemory(error)) throw error;
      this.profiler = new DatasetProfiler(this.request.profile);
      for await (const batch of readBatches(this.request.sources, this.request.read)) this.profiler.addBatch(batch);
      return this.profiler.toProfile();
    }
  }

  async cancel(): Promise<void> {
    await Promise.all(this.threadsStarted.map((thread) => thread.cancel()));
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
  const data = workerData as Partial<ThreadData> | undefined;
  if (isMainThread || data?.role !== ROLE || !data.request || !parentPort) return false;
  const port = parentPort;
  const { sources, read, profile } = data.request;
  const credits = data.credits ? new Int32Array(data.credits) : undefined;
  let reply: WorkerMessage;
  try {
    const profiler = new DatasetProfiler(profile);
    const split = new ColumnSplit(data.shares ?? 1);
    const share = data.share ?? 0;
    let progress: ReadProgress | undefined;
    for await (const batch of readBatches(sources, { ...read, onProgress: (report) => (progress = report) })) {
      profiler.addBatch(batch, (column) => split.shareOf(column) === share);
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
