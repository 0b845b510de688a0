import { execFileSync, spawnSync } from "node:child_process";
import { cpSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dir.js";

const CLI = join(process.cwd(), "dist/cli/index.js");

/** Runs the bundled CLI as a user would, in `cwd`. */
export function ctrain(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=ctrain", "-c", "user.email=ctrain@example.com", ...args], {
    cwd,
    stdio: "ignore",
  });
}

/** A copy of an example (without outputs from earlier runs) as the first commit of a fresh `main`. */
export function exampleRepository(example: string): string {
  const project = tempDir(`ctrain-${example}-`);
  cpSync(join(process.cwd(), "examples", example), project, {
    recursive: true,
    filter: (source) => !/\/(out|\.ctrain|\.ctrain-store)(\/|$)/.test(source),
  });
  git(project, "init", "-q", "-b", "main");
  git(project, "add", "-A");
  git(project, "commit", "-qm", "baseline");
  return project;
}
