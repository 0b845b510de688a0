import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const CLI = join(process.cwd(), "dist/cli/index.js");
export const CLI_DEADLINE_MS = 90_000;

/** What a hostile input did: the CLI's exit code and output, or the error the library threw, and the time taken. */
export interface Observed {
  code?: number | null;
  output?: string;
  error?: unknown;
  /** run.json after a `ctrain train`, when one was written. */
  run?: { status: string; errors?: { message: string }[] };
  timedOut?: boolean;
  ms: number;
}

/** A fresh git repository holding `files` (text or bytes) under `parent`, as a user's project would be. */
export function project(parent: string, files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(parent, "p-"));
  execFileSync("git", ["init", "-q", "-b", "main"], { cwd: root });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/**
 * Runs the built CLI in `cwd` with a deadline: a hang is reported, not waited for. Every input here is handled in
 * about a second; the deadline leaves room for a loaded machine.
 */
export function ctrain(cwd: string, args: string[], timeoutMs = CLI_DEADLINE_MS): Promise<Observed> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 64 * 1024 ** 2, env: cliEnvironment() },
      (error, stdout, stderr) => {
        const run = readRunRecord(join(cwd, ".ctrain", "run.json"));
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : null) : 0,
          output: `${stdout}${stderr}`,
          run,
          timedOut: error?.killed === true,
          ms: performance.now() - started,
        });
      },
    );
  });
}

/** run.json as the CLI left it; a damaged one (the input under test, say) counts as none. */
function readRunRecord(file: string): Observed["run"] {
  try {
    return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Observed["run"]) : undefined;
  } catch {
    return undefined;
  }
}

/** Without the runner's variables, so the CLI behaves as on a laptop whatever runs the tests. */
function cliEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("GITHUB_") && !name.startsWith("RUNNER_")),
  );
}

/** Runs library code the CLI cannot reach the same way, capturing what it throws. */
export async function library(run: () => unknown): Promise<Observed> {
  const started = performance.now();
  try {
    await run();
    return { ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}
