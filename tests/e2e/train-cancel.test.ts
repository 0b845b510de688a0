import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Bundle } from "@ctrain/core";
import { processesTagged } from "../train/processes.js";
import { tempDir } from "../support/temp-dir.js";

const ACTION = new URL("../../dist/train/index.js", import.meta.url).pathname;

/**
 * The runner cancels a job by sending SIGINT to the step's process (then SIGTERM 7.5 s later). The harness's
 * runAction cannot signal its child, so this test starts the bundled action itself, with the variables the runner sets.
 */
describe("cancelling the train action", () => {
  it("stops the whole training tree on SIGINT, records the run as cancelled and exits 130", async () => {
    const workspace = tempDir("ctrain-cancel-");
    const outputFile = join(workspace, "github-output");
    writeFileSync(outputFile, "");
    const tag = randomUUID();
    const child = spawn(process.execPath, [ACTION], {
      cwd: workspace,
      env: {
        PATH: process.env.PATH,
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: "octo/churn",
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: outputFile,
        GITHUB_JOB: "train",
        TREE_TEST_TAG: tag,
        INPUT_COMMAND: "sleep 1000 & ( setsid sleep 1000 & ); echo training; sleep 1000",
        "INPUT_KILL-GRACE": "0.5",
        INPUT_UPLOAD: "false",
        INPUT_CACHE: "false",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    const started = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes("training\n")) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await started;
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/cancelled: stopping the command and every process it started/);
    expect(stdout).toMatch(/::error::training cancelled \(exit code 130\)/);
    expect(new Bundle(join(workspace, ".ctrain")).read("run")).toMatchObject({
      status: "cancelled",
      logTail: ["training"],
    });
    expect(readFileSync(outputFile, "utf8")).toMatch(/status<<.*\ncancelled\n/);
    expect(processesTagged(tag)).toEqual([]);
  });
});
