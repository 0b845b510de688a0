import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Debian's interpreter carries numpy, scipy, scikit-learn and statsmodels; the python3 on PATH may not. */
const PYTHON = "/usr/bin/python3";

/** Runs tests/reference/<script> with `input` as JSON on stdin and returns its JSON stdout. */
export function runReference<T>(script: string, input: unknown): T {
  const path = fileURLToPath(new URL(`../reference/${script}`, import.meta.url));
  const result = spawnSync(PYTHON, [path], {
    input: JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${script} exited ${result.status}:\n${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
