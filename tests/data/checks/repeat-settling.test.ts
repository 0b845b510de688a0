import { readdirSync } from "node:fs";
import type * as NodeFs from "node:fs";
import { createRequire, syncBuiltinESMExports } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  KeyHasher,
  PARTIAL_UNEXPECTED_COUNT,
  RepeatFinder,
  Seen,
  settleRepeats,
  settleShareApart,
  type RepeatSink,
  type SettleThreads,
  type SpillShare,
} from "@ctrain/data";
import { tempDir as makeTempDir } from "../../support/temp-dir.js";

/** What a check keeps of the repeats it hears of: a count per kind and examples of the first 20 it counts. */
class Tally {
  count = 0;
  readonly examples: string[] = [];

  constructor(private readonly counts: (kind: Seen) => boolean) {}

  sink(): RepeatSink {
    return {
      found: (kind, file, line, firstFile, firstLine) => {
        if (!this.counts(kind)) return;
        this.count++;
        if (this.examples.length < PARTIAL_UNEXPECTED_COUNT)
          this.examples.push(`${kind} ${file}:${line} first ${firstFile}:${firstLine}`);
      },
      more: (kind, count) => {
        if (this.counts(kind)) this.count += count;
      },
    };
  }
}

const every = () => true;
const conflicts = (kind: Seen) => kind === Seen.Conflict;

/**
 * Finders fed `keys` (key, tag, which finder) with a table of `memoryBytes`; each finder's repeats go to two tallies, one
 * of every kind and one of conflicts only.
 */
function feed(
  keys: readonly { key: number; tag: number; finder: number }[],
  finders: number,
  memoryBytes: number,
  tempDir: string,
) {
  const hasher = new KeyHasher();
  const all = Array.from({ length: finders }, () => new RepeatFinder({ memoryBytes, tempDir }));
  keys.forEach(({ key, tag, finder }, line) => {
    hasher.reset().addNumber(key).finish();
    all[finder % finders]!.add(hasher.hi, hasher.lo, tag, line % 3, line);
  });
  const tallies: Tally[] = [];
  const jobs = all.map((finder) => {
    const sinks = [new Tally(every), new Tally(conflicts)].map((tally) => (tallies.push(tally), tally.sink()));
    const sink: RepeatSink = {
      found: (...args) => sinks.forEach((each) => each.found(...args)),
      more: (kind, count) => sinks.forEach((each) => each.more(kind, count)),
    };
    return { finder, sink };
  });
  return { tallies, jobs };
}

/** Settle threads run here: each share goes through `settleShareApart`, as on a thread of its own; `fail` rejects. */
function threadsHere(threads: number, startKeys: number, fail = (_call: number) => false) {
  const calls: SpillShare[][] = [];
  const settle: SettleThreads["settle"] = async (shares) => {
    calls.push(shares);
    await new Promise((resolve) => setImmediate(resolve));
    if (fail(calls.length)) throw new Error("injected settle thread failure");
    return shares.map(settleShareApart);
  };
  return { threads: { threads, startKeys, settle }, calls };
}

const summary = (tallies: readonly Tally[]) => tallies.map(({ count, examples }) => ({ count, examples }));

describe("settling spilled keys on several threads", () => {
  it("tells every sink what one thread tells it: the same counts and first examples, in order", async () => {
    const tempDir = makeTempDir("ctrain-settle-test-");
    let split = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.integer({ min: 0, max: 600 }),
            tag: fc.integer({ min: 0, max: 2 }),
            finder: fc.integer({ min: 0, max: 2 }),
          }),
          { maxLength: 3000, size: "max" },
        ),
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(16 * 20, 64 * 20),
        fc.integer({ min: 2, max: 4 }),
        fc.constantFrom(0, 50, 100_000),
        fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        async (keys, finders, memoryBytes, threadCount, startKeys, failingCall) => {
          // One thread: every finder settles as `results` settles it.
          const alone = feed(keys, finders, memoryBytes, tempDir);
          for (const job of alone.jobs) job.finder.finish(job.sink.found);
          const apart = feed(keys, finders, memoryBytes, tempDir);
          const { threads, calls } = threadsHere(threadCount, startKeys, (call) => call === failingCall);
          await settleRepeats(apart.jobs, threads);
          if (calls.length > 0) split++;
          expect(summary(apart.tallies)).toEqual(summary(alone.tallies));
          expect(calls.length).toBeLessThanOrEqual(threadCount - 1);
          expect(readdirSync(tempDir)).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
    // Most runs spill enough keys to be split between threads.
    expect(split).toBeGreaterThan(40);
  });

  it("starts a settle thread only for a run of at least the keys this thread settles while one starts", async () => {
    const tempDir = makeTempDir("ctrain-settle-test-");
    const keys = Array.from({ length: 5000 }, (_, i) => ({ key: i % 4000, tag: i % 2, finder: 0 }));
    // With k other threads, each gets (5000 - startKeys) / (k + 1) keys.
    for (const [startKeys, started] of [
      [5001, 0],
      [2000, 0],
      [1600, 1],
      [1000, 3],
    ] as const) {
      const { jobs, tallies } = feed(keys, 1, 16 * 20, tempDir);
      const { threads, calls } = threadsHere(4, startKeys);
      await settleRepeats(jobs, threads);
      expect(calls).toHaveLength(started);
      expect(tallies[0]!.count).toBe(1000);
    }
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("leaves no files when writing the last spilled keys fails: the finders keep what they could not hand over", async () => {
    const tempDir = makeTempDir("ctrain-settle-test-");
    const keys = Array.from({ length: 3000 }, (_, i) => ({ key: i, tag: 0, finder: i }));
    const { jobs } = feed(keys, 2, 16 * 20, tempDir);
    expect(readdirSync(tempDir)).toHaveLength(2);
    const fs = createRequire(import.meta.url)("node:fs") as typeof NodeFs;
    const writeSync = fs.writeSync;
    fs.writeSync = () => {
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
    };
    syncBuiltinESMExports();
    try {
      await expect(settleRepeats(jobs, threadsHere(2, 0).threads)).rejects.toThrow("ENOSPC");
    } finally {
      fs.writeSync = writeSync;
      syncBuiltinESMExports();
    }
    for (const job of jobs) job.finder.dispose();
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("removes the spills it took when a later finder cannot hand its spill over", async () => {
    const tempDir = makeTempDir("ctrain-settle-test-");
    const keys = Array.from({ length: 3000 }, (_, i) => ({ key: i, tag: 0, finder: i }));
    const { jobs } = feed(keys, 2, 16 * 20, tempDir);
    const failing = jobs[1]!.finder;
    failing.takeSpill = () => {
      throw new Error("injected failure");
    };
    await expect(settleRepeats(jobs)).rejects.toThrow("injected failure");
    expect(readdirSync(tempDir)).toHaveLength(1);
    failing.dispose();
    expect(readdirSync(tempDir)).toEqual([]);
  });
});
