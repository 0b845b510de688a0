import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Debian's interpreter, which has numpy and scipy; the python3 first on PATH may not. */
const PYTHON = "/usr/bin/python3";

/**
 * Runs a reference script from tests/reference with `{ cases }` as JSON on stdin and returns its `results`,
 * strings "NaN" / "Infinity" / "-Infinity" turned back into numbers. A missing interpreter or library fails
 * the test: ground truth is not optional.
 */
export function runReference<T>(script: string, cases: readonly unknown[]): T[] {
  const path = fileURLToPath(new URL(`../../reference/${script}`, import.meta.url));
  const run = spawnSync(PYTHON, [path], {
    input: JSON.stringify({ cases }),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${script} exited with ${run.status}:\n${run.stderr}`);
  const revive = (_key: string, value: unknown): unknown =>
    value === "NaN" || value === "Infinity" || value === "-Infinity" ? Number(value) : value;
  return (JSON.parse(run.stdout, revive) as { results: T[] }).results;
}

/** |actual - expected| <= relative * |expected| + absolute, NaN only equal to NaN. */
export function close(actual: number, expected: number, relative: number, absolute = 0): boolean {
  if (Number.isNaN(expected)) return Number.isNaN(actual);
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= relative * Math.abs(expected) + absolute;
}

/**
 * Cases queued from several tests and sent to the reference script in one run (starting Python with scipy
 * costs more than most cases): queue at collection time, `run()` in beforeAll, read results in the tests.
 */
export class ReferenceBatch {
  private readonly cases: unknown[] = [];
  private results: unknown[] | undefined;

  constructor(private readonly script: string) {}

  /** Queues cases; the returned function gives their results once `run()` has run. */
  add<T>(cases: readonly unknown[]): () => T[] {
    const start = this.cases.length;
    this.cases.push(...cases);
    return () => {
      if (this.results === undefined) throw new Error("ReferenceBatch.run() has not run");
      return this.results.slice(start, start + cases.length) as T[];
    };
  }

  run(): void {
    this.results = runReference(this.script, this.cases);
  }
}
