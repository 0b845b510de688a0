import { resolve } from "node:path";
import * as core from "@actions/core";
import {
  actionLog,
  GitHubApprovalSource,
  GitHubModelRegistry,
  attestWithToken,
  createGitHubClient,
  runAction,
  runnerTemp,
  startAction,
  toRunSource,
} from "@ctrain/github";
import { runPublishStep } from "@ctrain/publish";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config } = startAction(INPUTS);
    const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) });
    const result = await runPublishStep({
      config: config(),
      // The bundle may come from another job's artifact: read it as untrusted.
      bundleDir: resolve(context.workspace, inputs.bundle),
      untrusted: true,
      modelRoot: resolve(context.workspace, inputs["model-root"]),
      registry: new GitHubModelRegistry(client, context.repository),
      approvalSource: new GitHubApprovalSource(client, context.repository),
      source: toRunSource(context),
      workDir: runnerTemp(),
      attest: attestWithToken(token),
      log: (line) => actionLog.info(line),
    });
    const { release } = result;
    core.setOutput("outcome", result.outcome);
    core.setOutput("tag", release.tag);
    core.setOutput("version", release.version);
    core.setOutput("release-url", release.location);
    core.setOutput("release-id", release.id);
    core.setOutput("previous-tag", result.previous?.tag ?? "");
    const verb = { published: "Published", resumed: "Finished publishing", unchanged: "Already published" };
    if (process.env.GITHUB_STEP_SUMMARY) {
      const heading = `${verb[result.outcome]} ${release.tag}`;
      const approval = `\n\nApproval: ${result.approval.reason}\n`;
      await core.summary.addHeading(heading, 3).addLink(release.location, release.location).addRaw(approval).write();
    }
  });
}
