import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const CLI = join(process.cwd(), "dist/cli/index.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Killed at the time limit: a hang. */
  timedOut: boolean;
  ms: number;
}

/** Runs the built CLI in `cwd` as a user would, without blocking the test runner, and kills it at `limitMs`. */
export function runCli(cwd: string, args: readonly string[], limitMs = 20_000): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limitMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

/** Output lines the GitHub runner would read as workflow commands (`::` after leading whitespace, `##[` anywhere). */
export function commandLines(run: Pick<CliRun, "stdout" | "stderr">): string[] {
  return `${run.stdout}\n${run.stderr}`
    .split(/\r\n|\r|\n/)
    .filter((line) => /^[\s\u0085]*::/.test(line) || line.includes("##["));
}

/** Lines of a JavaScript stack trace. */
export function stackLines(run: Pick<CliRun, "stdout" | "stderr">): string[] {
  return `${run.stdout}\n${run.stderr}`.split("\n").filter((line) => /^\s+at .+[:(]/.test(line));
}

export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
}

/** A git repository with one commit on `main`, as the CLI expects a project to be. */
export function commitAll(root: string): void {
  const git = (...args: string[]): void => {
    execFileSync("git", ["-c", "user.name=ctrain", "-c", "user.email=ctrain@example.com", ...args], {
      cwd: root,
      stdio: "ignore",
    });
  };
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-qm", "hostile inputs");
}
