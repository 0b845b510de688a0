import { tmpdir } from "node:os";
import { resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { Bundle, loadConfig } from "@ctrain/core";
import {
  actionLog,
  GitHubApprovalSource,
  GitHubModelRegistry,
  attestModelFiles,
  booleanInput,
  createGitHubClient,
  inputOverrides,
  integerInput,
  readInputs,
  readRunContext,
  readToken,
  runAction,
  toRunSource,
} from "@ctrain/github";
import { publishModel } from "@ctrain/publish";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = readInputs({
      config: z.string().optional(),
      bundle: z.string().default(".ctrain"),
      "model-root": z.string().default("."),
      approval: z.string().optional(),
      "required-approvals": integerInput.optional(),
      bump: z.string().optional(),
      version: z.string().optional(),
      "make-latest": z.string().optional(),
      prerelease: booleanInput.optional(),
      attest: booleanInput.optional(),
    });
    const token = readToken();
    const context = readRunContext();
    const { config } = loadConfig({
      file: inputs.config,
      cwd: context.workspace,
      overrides: inputOverrides(inputs, {
        approval: "publish.approval",
        "required-approvals": "publish.required-approvals",
        bump: "publish.bump",
        version: "publish.version",
        "make-latest": "publish.make-latest",
        prerelease: "publish.prerelease",
        attest: "publish.attest",
      }),
    });
    const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) });
    const result = await publishModel({
      // The bundle may come from another job's artifact: read it as untrusted.
      bundle: new Bundle(resolve(context.workspace, inputs.bundle), { untrusted: true }),
      modelRoot: resolve(context.workspace, inputs["model-root"]),
      model: config.model,
      publish: config.publish,
      registry: new GitHubModelRegistry(client, context.repository),
      approvalSource: new GitHubApprovalSource(client, context.repository),
      commit: context.sha || undefined,
      publisher: toRunSource(context),
      workDir: process.env.RUNNER_TEMP || tmpdir(),
      attest: async (subjects) => {
        const { attestationId } = await attestModelFiles(subjects, token);
        actionLog.info(
          `attested provenance of ${subjects.length} model file(s)${attestationId ? ` (${attestationId})` : ""}`,
        );
      },
      log: (line) => actionLog.info(line),
    });
    const { release } = result;
    core.setOutput("outcome", result.outcome);
    core.setOutput("tag", release.tag);
    core.setOutput("version", release.version);
    core.setOutput("release-url", release.location);
    core.setOutput("release-id", release.id);
    core.setOutput("previous-tag", result.previous?.tag ?? "");
    const verb = { published: "Published", resumed: "Finished publishing", unchanged: "Already published" }[
      result.outcome
    ];
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary
        .addHeading(`${verb} ${release.tag}`, 3)
        .addLink(release.location, release.location)
        .addRaw(`\n\nApproval: ${result.approval.reason}\n`)
        .write();
    }
  });
}
