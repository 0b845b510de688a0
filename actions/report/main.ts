import { actionLog, createGitHubClient, runAction, startAction } from "@ctrain/github";
import { INPUTS } from "./inputs.js";
import { reportThisJob } from "./report-job.js";
import { reportTriggeringRun } from "./report-workflow-run.js";
import { reportSettings } from "./settings.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const start = startAction(INPUTS);
    const { context, token } = start;
    const settings = reportSettings(start);
    // Failed requests are explained where they happen; the client's own lines (retries, waits) are for the log.
    const client = createGitHubClient({ token, log: (line) => actionLog.info(line) });
    const flow = settings.mode === "workflow-run" ? reportTriggeringRun : reportThisJob;
    await flow({ context, settings, client, token });
  });
}
