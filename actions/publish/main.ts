import * as core from "@actions/core";
import { actionLog, attestWithToken, GitHubApprovalSource, GitHubModelRegistry, runAction } from "@ctrain/github";
import { runnerTemp, setOutputs, startAction } from "@ctrain/github";
import { runPublishStep } from "@ctrain/publish";
import { INPUTS } from "./inputs.js";

const VERB = { published: "Published", resumed: "Finished publishing", unchanged: "Already published" };

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config, github, inWorkspace, source } = startAction(INPUTS);
    const { outcome, release, previous, approval } = await runPublishStep({
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
    const { tag, version, location, id } = release;
    setOutputs({
      outcome,
      tag,
      version,
      "release-url": location,
      "release-id": id,
      "previous-tag": previous?.tag ?? "",
    });
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    const summary = core.summary.addHeading(`${VERB[outcome]} ${tag}`, 3).addLink(location, location);
    await summary.addRaw(`\n\nApproval: ${approval.reason}\n`).write();
  });
}
