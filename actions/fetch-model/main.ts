import { resolve } from "node:path";
import * as core from "@actions/core";
import {
  actionLog,
  findAttestations,
  GitHubModelRegistry,
  createGitHubClient,
  releaseTagFromEvent,
  runAction,
  setJsonOutput,
  startAction,
} from "@ctrain/github";
import { runFetchStep } from "@ctrain/publish";
import { attestationCheck } from "./attestation.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config } = startAction(INPUTS);
    const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) });
    const repository = inputs.repository ?? context.repository;
    const fetched = await runFetchStep({
      registry: new GitHubModelRegistry(client, repository),
      model: inputs.model,
      config,
      modelHint: "set `model:` under `with:` in the workflow step",
      version: inputs.version === "auto" ? "latest" : inputs.version,
      releaseTag: inputs.version === "auto" ? releaseTagFromEvent(context) : undefined,
      destination: resolve(context.workspace, inputs.path),
      log: (line) => actionLog.info(line),
      attestation: attestationCheck(inputs, context.workspace, {
        find: (sha256) => findAttestations(client, repository, sha256),
        signer: { repository: `${repository.owner}/${repository.repo}`, serverUrl: context.serverUrl },
      }),
    });
    core.setOutput("path", fetched.path);
    core.setOutput("model-path", fetched.modelPath);
    core.setOutput("version", fetched.release.version);
    core.setOutput("tag", fetched.release.tag);
    core.setOutput("release-url", fetched.release.location);
    setJsonOutput("metrics", fetched.metrics, "the release's run.json");
    actionLog.info(`fetched and verified ${fetched.release.tag} into ${fetched.path}`);
  });
}
