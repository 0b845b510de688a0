import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { settleShareApart, type SettledShare, type SpillShare } from "../checks/repeat-finder.js";
import type { SettleThreads } from "../checks/repeat-settling.js";

const ROLE = "ctrain-settle";

interface SettleThreadData {
  role: typeof ROLE;
  shares: SpillShare[];
}

/**
 * A settle thread starts (compiles thread.js and is ready) in about 110 ms on the validate benchmark's machine, the time
 * the calling thread takes to settle about 2.75 M spilled keys (6.2 M in 250 ms).
 */
const SETTLE_THREAD_START_KEYS = 2_750_000;

/** A settle thread needs no more than its kept repeats on the heap: its table and reads are off-heap buffers. */
const SETTLE_THREAD_HEAP_MB = 32;

/**
 * Settle threads started from `entry` (thread.js): `threads` settle at once, this one included. `startKeys` is what
 * this thread settles while one starts (`SettleThreads.startKeys`; tests lower it).
 */
export function settleThreads(
  entry: URL | string,
  threads: number,
  startKeys = SETTLE_THREAD_START_KEYS,
): SettleThreads {
  return { threads, startKeys, settle: (shares) => settleOnThread(entry, shares) };
}

/** Settles `shares` on a thread started for them; rejects when it fails, and the caller settles them itself. */
function settleOnThread(entry: URL | string, shares: SpillShare[]): Promise<SettledShare[]> {
  return new Promise((resolve, reject) => {
    const data: SettleThreadData = { role: ROLE, shares };
    const worker = new Worker(entry, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: SETTLE_THREAD_HEAP_MB },
    });
    worker.once("message", (settled: SettledShare[]) => resolve(settled));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the settle thread stopped (exit code ${code})`)));
  });
}

/**
 * The worker side: when this thread was started to settle spilled keys, settles them, replies and returns true. On any
 * other thread it returns false at once.
 */
export function serveSettleThread(): boolean {
  const data = workerData as Partial<SettleThreadData> | undefined;
  if (isMainThread || data?.role !== ROLE || !data.shares || !parentPort) return false;
  parentPort.postMessage(data.shares.map(settleShareApart));
  return true;
}
