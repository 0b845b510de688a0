import { actionLog, findAttestations, GitHubModelRegistry, releaseTagFromEvent, runAction } from "@ctrain/github";
import { setJsonOutput, setOutputs, startAction } from "@ctrain/github";
import { runFetchStep } from "@ctrain/publish";
import { attestationCheck } from "./attestation.js";
import { INPUTS } from "./inputs.js";

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const { inputs, context, config, github, inWorkspace } = startAction(INPUTS);
    const repository = inputs.repository ?? context.repository;
    const auto = inputs.version === "auto";
    const { path, modelPath, release, metrics } = await runFetchStep({
      registry: new GitHubModelRegistry(github(), repository),
      model: inputs.model,
      config,
      modelHint: "set `model:` under `with:` in the workflow step",
      version: auto ? "latest" : inputs.version,
      releaseTag: auto ? releaseTagFromEvent(context) : undefined,
      destination: inWorkspace(inputs.path),
      log: actionLog.info,
      attestation: attestationCheck(inputs, context.workspace, {
        find: (sha256) => findAttestations(github(), repository, sha256),
        signer: { repository: `${repository.owner}/${repository.repo}`, serverUrl: context.serverUrl },
      }),
    });
    const { version, tag, location } = release;
    setOutputs({ path, "model-path": modelPath, version, tag, "release-url": location });
    setJsonOutput("metrics", metrics, "the release's run.json");
    actionLog.info(`fetched and verified ${release.tag} into ${path}`);
  });
}
