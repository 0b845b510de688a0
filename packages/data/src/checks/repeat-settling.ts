import {
  PARTITIONS,
  replaySettled,
  settleShare,
  type RepeatFinder,
  type RepeatSink,
  type SettledShare,
  type Spill,
  type SpillShare,
} from "./repeat-finder.js";

/** A finder whose spilled keys are settled at the end, and where its repeats go. */
export interface RepeatJob {
  finder: RepeatFinder;
  sink: RepeatSink;
}

/** Other threads that may settle spilled keys while this one settles its part. */
export interface SettleThreads {
  /** Threads that settle at once, this one included. */
  threads: number;
  /**
   * Spilled keys this thread settles in the time another thread takes to start: this thread takes that many more than
   * each other thread, and another thread starts only for a run of at least that many, which pays for its start.
   */
  startKeys: number;
  /** Settles `shares` on a thread of its own, in order (`settleShareApart`). */
  settle(shares: SpillShare[]): Promise<SettledShare[]>;
}

/** A share of the spill of `jobs[job]`. */
interface Part {
  job: number;
  share: SpillShare;
}

/**
 * Settles the spilled keys of `jobs`, on `threads` when there are enough keys to be worth a thread's start: the keys,
 * finder after finder and partition after partition, are cut into one run per thread; this thread settles the first
 * run while the others settle theirs, then hands their repeats to the sinks in order, so each sink hears of them in the
 * order one thread would have found them. A run whose thread fails is settled here. The spills are removed after.
 */
export async function settleRepeats(jobs: readonly RepeatJob[], threads?: SettleThreads): Promise<void> {
  const spills: { job: number; spill: Spill }[] = [];
  try {
    jobs.forEach((job, index) => {
      const spill = job.finder.takeSpill();
      if (spill) spills.push({ job: index, spill });
    });
    const runs = cutRuns(spills, threads);
    const settling = runs.slice(1).map((run) =>
      threads!.settle(run.map((part) => part.share)).then(
        (settled) => settled,
        () => undefined,
      ),
    );
    settleHere(runs[0] ?? [], jobs);
    for (let i = 0; i < settling.length; i++) {
      const settled = await settling[i];
      const run = runs[i + 1]!;
      if (settled?.length !== run.length) settleHere(run, jobs);
      else run.forEach((part, j) => replaySettled(settled[j]!, jobs[part.job]!.sink));
    }
  } finally {
    for (const { spill } of spills) spill.remove();
  }
}

function settleHere(run: readonly Part[], jobs: readonly RepeatJob[]): void {
  for (const part of run) settleShare(part.share, jobs[part.job]!.sink.found);
}

/**
 * The partitions of every spill cut into runs, in order: the first for this thread, which also waits for the others
 * to start, so it takes `startKeys` more than each of them; as many others as get at least `startKeys` keys each.
 */
function cutRuns(spills: readonly { job: number; spill: Spill }[], threads: SettleThreads | undefined): Part[][] {
  const counts = spills.map(({ spill }) => spill.counts);
  const total = counts.flat().reduce((sum, count) => sum + count, 0);
  const startKeys = threads?.startKeys ?? 0;
  // With k others, each gets (total - startKeys) / (k + 1) keys: at least startKeys for k <= total / startKeys - 2.
  const worthwhile = startKeys > 0 ? Math.floor(total / startKeys) - 2 : Infinity;
  const others = threads ? Math.max(0, Math.min(threads.threads - 1, worthwhile)) : 0;
  const first = (total + others * startKeys) / (others + 1);
  const each = others > 0 ? (total - first) / others : 0;
  const runs: Part[][] = [[]];
  const add = (job: number, share: SpillShare): void => {
    if (share.counts.slice(share.from, share.to).some((count) => count > 0)) runs.at(-1)!.push({ job, share });
  };
  let keys = 0;
  spills.forEach(({ job, spill }, index) => {
    let from = 0;
    for (let p = 0; p < PARTITIONS; p++) {
      keys += counts[index]![p]!;
      if (runs.length <= others && keys >= first + each * (runs.length - 1)) {
        add(job, spill.share(from, p + 1));
        runs.push([]);
        from = p + 1;
      }
    }
    add(job, spill.share(from, PARTITIONS));
  });
  return runs.filter((run, index) => index === 0 || run.length > 0);
}
