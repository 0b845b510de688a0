import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startActionsRuntime, type ActionsRuntime } from "./actions-runtime/index.js";
import { startGitHubFake, type GitHubFake } from "./github-fake/index.js";

/** A GitHub fake, the Actions runtime talking to it, and an empty workspace: what one end-to-end test runs against. */
export interface Harness {
  fake: GitHubFake;
  runtime: ActionsRuntime;
  workspace: string;
  /** Fails on any contract violation either fake recorded, then closes both and removes the workspace. */
  stop(): Promise<void>;
}

export async function startHarness(workspacePrefix: string): Promise<Harness> {
  const fake = await startGitHubFake();
  const runtime = await startActionsRuntime({ github: fake });
  const workspace = mkdtempSync(join(tmpdir(), workspacePrefix));
  return {
    fake,
    runtime,
    workspace,
    async stop() {
      try {
        fake.assertNoViolations();
        runtime.assertNoViolations();
      } finally {
        await runtime.close();
        await fake.close();
        rmSync(workspace, { recursive: true, force: true });
      }
    },
  };
}
