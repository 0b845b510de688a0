import { spawnSync } from "node:child_process";
import { join } from "node:path";

/** Debian's interpreter carries numpy and scikit-learn; the python3 on PATH may not. */
const PYTHON = "/usr/bin/python3";

/** Runs tests/report/reference/<script> with `input` as JSON on stdin and returns its JSON stdout. */
export function runReference<T>(script: string, input: unknown): T {
  const result = spawnSync(PYTHON, [join(import.meta.dirname, "../reference", script)], {
    input: JSON.stringify(input),
    encoding: "utf8",
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
