import { resolve } from "node:path";
import * as core from "@actions/core";
import {
  actionLog,
  GitHubModelRegistry,
  createGitHubClient,
  releaseTagFromEvent,
  runAction,
  setJsonOutput,
  startAction,
} from "@ctrain/github";
import { runFetchStep } from "@ctrain/publish";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, token, context, config } = startAction(INPUTS);
    const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) });
    const fetched = await runFetchStep({
      registry: new GitHubModelRegistry(client, inputs.repository ?? context.repository),
      model: inputs.model,
      config,
      modelHint: "set `model:` under `with:` in the workflow step",
      version: inputs.version === "auto" ? "latest" : inputs.version,
      releaseTag: inputs.version === "auto" ? releaseTagFromEvent(context) : undefined,
      destination: resolve(context.workspace, inputs.path),
      log: (line) => actionLog.info(line),
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
