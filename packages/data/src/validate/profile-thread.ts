import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import {
  DatasetChecks,
  type ColumnOwner,
  type ColumnResults,
  type DatasetCheckOptions,
} from "../checks/dataset-checks.js";
import { ColumnSplit, type ShareDuty } from "./column-split.js";
import {
  DatasetProfiler,
  datasetFingerprint,
  type ColumnProfile,
  type DatasetProfile,
  type ProfileOptions,
} from "../profile/index.js";
import {
  CsvBatch,
  readBatches,
  readPieces,
  resolveDataFiles,
  resolveReadOptions,
  type CsvBatchParts,
  type DataFile,
  type FilePiece,
  type ReadOptions,
  type ReadProgress,
  type RecordBatch,
} from "@ctrain/readers";
import { fromThreadError, isOutOfMemory, toThreadError, type ThreadError } from "./thread-errors.js";

/** What a profile thread reads, how it profiles and which checks it may run; plain data, so it crosses to the worker. */
export interface ProfileRequest {
  sources: string | readonly string[];
  /** A shard's pieces of the files, read instead of `sources` whole. */
  pieces?: readonly FilePiece[];
  read: Omit<ReadOptions, "onProgress">;
  profile: ProfileOptions;
  /** The dataset's checks: every thread checks the columns it profiles, the calling thread the rows too. */
  checks?: Omit<DatasetCheckOptions, "notice" | "columnShare">;
}

const ROLE = "ctrain-profile";

/**
 * Batches a reading thread may hand to each thread that takes them before it took them: memory stays bounded when they
 * are slower.
 */
const BATCHES_IN_FLIGHT = 8;

/** What a receiving worker gets from the shipping one: a batch, or word that there are no more. */
type HandoverMessage = { batch: CsvBatchParts } | { end: true };

/** A thread's last message carries the results of its column checks, for the rows it read (all, or up to an error). */
type WorkerMessage =
  | { batch: CsvBatchParts; progress: ReadProgress }
  | { profile: DatasetProfile; columnResults?: ColumnResults }
  | {
      error: ThreadError;
      columnResults?: ColumnResults;
    };

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

/** The batches a request names: its pieces, or its sources whole. */
function readRequest(
  request: Pick<ProfileRequest, "sources" | "pieces" | "read">,
  onProgress: (progress: ReadProgress) => void,
): AsyncGenerator<RecordBatch> {
  const options = { ...request.read, onProgress };
  return request.pieces ? readPieces(request.pieces, options) : readBatches(request.sources, options);
}

/** The files a request reads (a piece's file once, in read order). */
async function requestFiles(request: ProfileRequest): Promise<(DataFile & { bytes: number })[]> {
  if (!request.pieces) {
    const files = await resolveDataFiles(request.sources, resolveReadOptions(request.read));
    return files.map((file) => ({ ...file, bytes: file.size }));
  }
  const files = new Map<string, DataFile & { bytes: number }>();
  for (const { file, start, end } of request.pieces) {
    const known = files.get(file.path);
    if (known) known.bytes += end - start;
    else files.set(file.path, { ...file, bytes: end - start });
  }
  return [...files.values()];
}

/** Raised by `DatasetReading` when a worker thread outgrew its heap bound: the pass starts over on one thread. */
export class ReadingThreadOutOfMemory extends Error {
  constructor() {
    super("the reading thread outgrew its heap bound");
  }
}

/**
 * Which columns a profile thread profiles and checks (those `ColumnSplit` deals to `share`, given every share's
 * `duties`), and how it gets its batches: it reads them, or it reads and hands them over (`ship`), or it takes them
 * from the worker that reads (`receive`).
 */
interface ThreadWork {
  share: number;
  duties: ShareDuty[];
  link?: ThreadLink;
}

/**
 * A CSV handover: `credits` holds an abort flag (`ABORT`), then for each thread that takes batches how many more it
 * may be handed before it took them (this thread at `CALLER`, the receiving workers after it). The shipping worker
 * posts to this thread and to a port per receiving worker.
 */
type ThreadLink =
  | { role: "ship"; credits: SharedArrayBuffer; receivers: MessagePort[] }
  | { role: "receive"; credits: SharedArrayBuffer; slot: number; source: MessagePort };

const ABORT = 0;
const CALLER = 1;

interface ThreadData extends ThreadWork {
  role: typeof ROLE;
  request: ProfileRequest;
}

/**
 * A worker thread that profiles its share of the columns and runs their checks. It reads the dataset and keeps to its
 * share (JSON Lines and Parquet, whose values would cost more to move than to read), or, for CSV, the first reads it
 * and hands each batch over, classified, to this thread (for the row checks) and to the other workers, so the input
 * is read and tokenized once.
 */
class ProfileThread {
  private readonly worker: Worker;
  private readonly messages: WorkerMessage[] = [];
  private failure?: Error;
  private ended = false;
  private reported?: Error;
  private wake?: () => void;
  private sent?: DatasetProfile;
  /** The results of the thread's column checks, once its last message came. */
  columnResults?: ColumnResults;

  /** `onFailure` is told when the thread fails or stops before its last message. */
  constructor(entry: URL | string, request: ProfileRequest, heapMb: number, work: ThreadWork, onFailure: () => void) {
    const data: ThreadData = { role: ROLE, request, ...work };
    const link = work.link;
    const ports = link ? (link.role === "ship" ? link.receivers : [link.source]) : [];
    this.worker = new Worker(entry, {
      workerData: data,
      transferList: ports,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on("message", (message: WorkerMessage) => {
      if (!("batch" in message)) {
        this.ended = true;
        // A thread that stopped on an error takes no more batches: the reading worker must not wait for it.
        if ("error" in message) {
          this.reported = fromThreadError(message.error);
          onFailure();
        }
      }
      this.messages.push(message);
      this.wake?.();
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      if (!this.ended) onFailure();
      this.wake?.();
    };
    this.worker.once("error", fail);
    this.worker.once("exit", (code) => fail(new Error(`the profile thread stopped (exit code ${code}) early`)));
  }

  /** Why the thread stopped early: the error its last message reported, or its failure before a last message. */
  get failed(): Error | undefined {
    return this.reported ?? (this.ended ? undefined : this.failure);
  }

  /** The batches the thread hands over, until it sends the profile; `credits` is the handover's (see `ThreadLink`). */
  async *batches(onProgress: (progress: ReadProgress) => void, credits: Int32Array): AsyncGenerator<RecordBatch> {
    for (;;) {
      const message = await this.next();
      if (!("batch" in message)) {
        this.sent = this.settle(message);
        return;
      }
      onProgress(message.progress);
      yield CsvBatch.fromParts(message.batch);
      Atomics.add(credits, CALLER, 1);
      Atomics.notify(credits, CALLER);
    }
  }

  /** The profile the thread sends after its last batch. */
  async profile(): Promise<DatasetProfile> {
    while (!this.sent) {
      const message = await this.next();
      if (!("batch" in message)) this.sent = this.settle(message);
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

  /** Settles once its last message came, whatever it held; its column results are kept. */
  async finished(): Promise<void> {
    await this.profile().catch(() => undefined);
  }

  /** `settle`, keeping the column results the message carries. */
  private settle(message: Exclude<WorkerMessage, { batch: CsvBatchParts }>): DatasetProfile {
    this.columnResults = message.columnResults;
    return settle(message);
  }
}

/** The profile a thread's last message carries, or the error it reports, rebuilt (a UserError stays one). */
function settle(message: Exclude<WorkerMessage, { batch: CsvBatchParts }>): DatasetProfile {
  if ("profile" in message) return message.profile;
  throw fromThreadError(message.error);
}

/** Where profile threads start, and from which dataset size on they are worth their start-up (default 64 MiB). */
export interface ProfileThreadOptions {
  /**
   * A script that calls `serveValidationThread()` first thing (thread.js, bundled from thread-entry.ts beside the
   * CLI's and the validate action's bundle); it also starts the threads that validate several datasets at once.
   */
  entry: URL | string;
  minBytes?: number;
  /** Each thread's heap bound in MiB; default 128. */
  heapLimitMb?: number;
  /**
   * Spilled keys the calling thread settles while a settle thread starts (`SETTLE_THREAD_START_KEYS`): a dataset read
   * on threads settles its spilled keys on them too, a thread for each run of at least that many.
   */
  settleStartKeys?: number;
}

export const PROFILE_THREAD_MIN_BYTES = 64 * 1024 * 1024;
/** The share of the columns this (the checking) thread profiles and checks; the shipping worker has share 0. */
const CHECKING_SHARE = 1;
/**
 * Sketches are bounded per column (exact counts up to 1,000 values, Misra-Gries, KLL), so the heap needs little; V8
 * would otherwise let an idle-looking heap grow far past that before collecting. A wider dataset falls back to one
 * thread.
 */
const PROFILE_THREAD_HEAP_MB = 128;

/**
 * A dataset's batches for the checks, and its profile, on `threads` threads (this one included). Small datasets, or
 * one thread, are read, checked and profiled here. From `minBytes` on, each thread profiles and checks a share of the
 * columns (`ColumnSplit` deals them out by estimated cost), and this one runs the row checks (key, duplicates, labels,
 * row schema) too. For CSV the first worker reads the files once and hands its batches over, classified, to every
 * other thread; for JSON Lines and Parquet every thread reads the files itself. Each thread sees every row in
 * read order, so results and profile are the ones one thread makes. Should a worker outgrow its heap bound (a very
 * wide dataset), `ReadingThreadOutOfMemory` tells the caller to start over on one thread.
 */
export class DatasetReading {
  private readonly profiler: DatasetProfiler;
  private readonly threadsStarted: ProfileThread[] = [];
  private shipping = false;
  private split?: ColumnSplit;
  private credits?: Int32Array;

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

  /**
   * Starts the worker threads the dataset is worth; call before `batches`. When they run column checks, it answers
   * which columns this thread checks (`DatasetChecks.keepColumnShare`); the rest come from `columnResults`.
   */
  async start(): Promise<ColumnOwner | undefined> {
    if (this.threads && this.threadCount > 1) {
      const files = await requestFiles(this.request);
      const bytes = files.reduce((total, file) => total + file.bytes, 0);
      if (bytes >= (this.threads.minBytes ?? PROFILE_THREAD_MIN_BYTES)) this.startThreads(files);
    }
    const split = this.split;
    if (!split || this.request.checks === undefined) return undefined;
    return { owns: (column) => split.shareOf(column) === CHECKING_SHARE };
  }

  async *batches(onProgress: (progress: ReadProgress) => void): AsyncGenerator<RecordBatch> {
    const [shipper] = this.threadsStarted;
    const split = this.split;
    const own = split && ((column: string) => split.shareOf(column) === CHECKING_SHARE);
    if (shipper && this.credits) {
      try {
        for await (const batch of shipper.batches(onProgress, this.credits)) {
          split!.learn(batch);
          this.profiler.addBatch(batch, own);
          yield batch;
        }
      } catch (error) {
        // A receiving worker that fails stops the handover: its error tells what happened.
        const cause =
          this.threadsStarted
            .slice(1)
            .map((thread) => thread.failed)
            .find(Boolean) ?? error;
        if (isOutOfMemory(cause)) throw new ReadingThreadOutOfMemory();
        throw cause;
      }
      return;
    }
    for await (const batch of readRequest(this.request, onProgress)) {
      split?.learn(batch);
      this.profiler.addBatch(batch, own);
      yield batch;
    }
  }

  /**
   * One share per thread: this one is `CHECKING_SHARE`, with the row checks. For CSV the worker of share 0 reads and
   * hands its batches over to this thread and the other workers; otherwise every thread reads.
   */
  private startThreads(files: readonly { format: string }[]): void {
    const { entry, heapLimitMb } = this.threads!;
    this.shipping = files.every((file) => file.format === "csv");
    const duties = Array.from({ length: this.threadCount }, (_, share): ShareDuty => {
      const checking = share === CHECKING_SHARE;
      return {
        reads: !this.shipping || share === 0,
        ships: this.shipping && share === 0,
        receives: this.shipping && share !== 0,
        rowChecks: checking && this.request.checks !== undefined,
      };
    });
    const checks = this.request.checks;
    this.split = new ColumnSplit(duties, checks?.config, checks?.baseline?.inferredRules);
    const heapMb = heapLimitMb ?? PROFILE_THREAD_HEAP_MB;
    const receivingShares = duties.map((_, share) => share).filter((share) => share > CHECKING_SHARE);
    const links = this.shipping ? this.handover(receivingShares.length) : undefined;
    const abort = () => {
      if (this.credits) {
        Atomics.store(this.credits, ABORT, 1);
        for (let slot = 0; slot < this.credits.length; slot++) Atomics.notify(this.credits, slot);
      }
    };
    for (let share = 0; share < this.threadCount; share++) {
      if (share === CHECKING_SHARE) continue;
      const link = links && (share === 0 ? links.ship : links.receive[receivingShares.indexOf(share)]);
      const work = { share, duties, ...(link ? { link } : {}) };
      this.threadsStarted.push(new ProfileThread(entry, this.request, heapMb, work, abort));
    }
  }

  /** The credits and ports of a CSV handover to this thread and `receivers` workers (see `ThreadLink`). */
  private handover(receivers: number): { ship: ThreadLink; receive: ThreadLink[] } {
    const shared = new SharedArrayBuffer(4 * (CALLER + 1 + receivers));
    this.credits = new Int32Array(shared);
    this.credits.fill(BATCHES_IN_FLIGHT, CALLER);
    const channels = Array.from({ length: receivers }, () => new MessageChannel());
    return {
      ship: { role: "ship", credits: shared, receivers: channels.map((channel) => channel.port1) },
      receive: channels.map((channel, i) => ({
        role: "receive",
        credits: shared,
        slot: CALLER + 1 + i,
        source: channel.port2,
      })),
    };
  }

  /**
   * The results of the column checks the workers ran, once `profile` returned or the read failed (then for the rows
   * read before the failure, which every worker reads up to as well); undefined when this thread ran them.
   */
  async columnResults(): Promise<ColumnResults | undefined> {
    if (this.threadsStarted.length === 0 || !this.request.checks) return undefined;
    await Promise.all(this.threadsStarted.map((thread) => thread.finished()));
    return Object.assign({}, ...this.threadsStarted.map((thread) => thread.columnResults ?? {})) as ColumnResults;
  }

  /** The profile, once `batches` ran to its end. */
  async profile(): Promise<DatasetProfile> {
    if (!this.split) return this.profiler.toProfile();
    try {
      const theirs = await Promise.all(this.threadsStarted.map((thread) => thread.profile()));
      return joinColumnShares(this.split.order, [this.profiler.toProfile(), ...theirs]);
    } catch (error) {
      if (isOutOfMemory(error)) throw new ReadingThreadOutOfMemory();
      throw error;
    }
  }

  async cancel(): Promise<void> {
    await Promise.all(this.threadsStarted.map((thread) => thread.cancel()));
  }
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
  const { profile } = data.request;
  const link = data.link;
  let reply: WorkerMessage;
  let checks: DatasetChecks | undefined;
  try {
    const profiler = new DatasetProfiler(profile);
    const { checks: checkOptions } = data.request;
    const split = new ColumnSplit(data.duties ?? [], checkOptions?.config, checkOptions?.baseline?.inferredRules);
    const owns = (column: string): boolean => split.shareOf(column) === data.share;
    if (checkOptions) checks = await DatasetChecks.create({ ...checkOptions, columnShare: { owns } });
    let progress: ReadProgress | undefined;
    const batches =
      link?.role === "receive"
        ? receivedBatches(link.source, new Int32Array(link.credits), link.slot)
        : readRequest(data.request, (report) => (progress = report));
    const shipping = link?.role === "ship" ? { ...link, credits: new Int32Array(link.credits) } : undefined;
    try {
      for await (const batch of batches) {
        split.learn(batch);
        profiler.addBatch(batch, owns);
        checks?.observe(batch);
        if (!shipping) continue;
        if (!(batch instanceof CsvBatch)) throw new Error(`only CSV batches are handed over, not ${batch.format}`);
        takeCredits(shipping.credits);
        const { parts, transfer } = batch.toParts();
        for (const receiver of shipping.receivers) receiver.postMessage({ batch: parts } satisfies HandoverMessage);
        port.postMessage({ batch: parts, progress }, transfer);
      }
    } finally {
      // Receivers stop where this thread stopped, at the end or at bad input.
      for (const receiver of shipping?.receivers ?? []) receiver.postMessage({ end: true } satisfies HandoverMessage);
    }
    reply = { profile: profiler.toProfile(), ...(checks ? { columnResults: checks.columnResults() } : {}) };
  } catch (error) {
    const thrown = toThreadError(error);
    reply = {
      error: thrown,
      // The rows before bad input are reported on: the checks of this thread cover the same rows as the others'.
      ...(checks && thrown.user ? { columnResults: checks.columnResults() } : {}),
    };
  }
  port.postMessage(reply);
  return true;
}

/**
 * Blocks this (the shipping) thread until every thread that takes its batches may take one more, and counts it
 * handed; throws once another profile thread failed, which would never take it.
 */
function takeCredits(credits: Int32Array): void {
  for (let slot = CALLER; slot < credits.length; slot++) {
    for (let held = Atomics.load(credits, slot); held <= 0; held = Atomics.load(credits, slot)) {
      if (Atomics.load(credits, ABORT) !== 0) throw new Error("another profile thread stopped");
      Atomics.wait(credits, slot, held, 1000);
    }
  }
  for (let slot = CALLER; slot < credits.length; slot++) Atomics.sub(credits, slot, 1);
}

/** The batches the shipping worker hands this one, each credited back once taken. */
async function* receivedBatches(source: MessagePort, credits: Int32Array, slot: number): AsyncGenerator<RecordBatch> {
  const queue: HandoverMessage[] = [];
  let wake: (() => void) | undefined;
  source.on("message", (message: HandoverMessage) => {
    queue.push(message);
    wake?.();
  });
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ("end" in message) return;
      yield CsvBatch.fromParts(message.batch);
      Atomics.add(credits, slot, 1);
      Atomics.notify(credits, slot);
    }
  } finally {
    source.close();
  }
}
