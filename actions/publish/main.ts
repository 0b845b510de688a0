import { actionLog, attestWithToken, GitHubApprovalSource, GitHubModelRegistry, runAction } from "@ctrain/github";
import { runnerTemp, setOutputs, startAction, writeSummary } from "@ctrain/github";
import { runPublishStep } from "@ctrain/publish";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config, github, inWorkspace, source } = startAction(INPUTS);
    const { outputs, summary } = await runPublishStep({
      config: config(),
      // The bundle may come from another job's artifact: read it as untrusted.
      bundleDir: inWorkspace(inputs.bundle),
      untrusted: true,
      modelRoot: inWorkspace(inputs["model-root"]),
      registry: new GitHubModelRegistry(github(), context.repository),
      approvalSource: new GitHubApprovalSource(github(), context.repository),
      source,
      workDir: runnerTemp(),
      attest: attestWithToken(token),
      log: actionLog.info,
    });
    setOutputs(outputs);
    if (process.env.GITHUB_STEP_SUMMARY) await writeSummary(summary);
  });
}
