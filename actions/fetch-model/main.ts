import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { UserError, encodeNonFinite, loadConfig } from "@ctrain/core";
import {
  actionLog,
  booleanInput,
  findAttestations,
  GitHubModelRegistry,
  createGitHubClient,
  readInputs,
  readRunContext,
  readToken,
  releaseTagFromEvent,
  runAction,
  type RepositoryRef,
} from "@ctrain/github";
import { fetchModel, modelTag, parseModelTag, parseTrustedRoots, type AttestationCheck } from "@ctrain/publish";

function parseRepository(value: string): RepositoryRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value);
  if (!match) {
    throw new UserError(`input 'repository': expected owner/name, got ${JSON.stringify(value)}`, {
      hint: "fix `repository:` under `with:` in the workflow step",
    });
  }
  return { owner: match[1]!, repo: match[2]! };
}

/**
 * Attestations are verified when a trusted root is given, and then must exist with `require-attestation`; asking
 * for them without a root to verify against is refused rather than taken on trust.
 */
function attestationCheck(
  inputs: { "require-attestation": boolean; "trusted-root"?: string; "signer-workflow"?: string },
  workspace: string,
  base: Pick<AttestationCheck, "find" | "signer">,
): AttestationCheck | undefined {
  const rootFile = inputs["trusted-root"];
  if (!rootFile) {
    if (!inputs["require-attestation"]) return undefined;
    throw new UserError("require-attestation is true, but no trusted root to verify the attestation against", {
      location: "input 'trusted-root'",
      hint: "write the roots with `gh attestation trusted-root > trusted_root.jsonl` and pass `trusted-root: trusted_root.jsonl`",
    });
  }
  const path = resolve(workspace, rootFile);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the trusted root ${rootFile}: ${(error as Error).message}`, {
      location: "input 'trusted-root'",
      hint: "name a file in the workspace, e.g. written by `gh attestation trusted-root > trusted_root.jsonl`",
    });
  }
  return {
    ...base,
    signer: { ...base.signer, ...(inputs["signer-workflow"] ? { workflow: inputs["signer-workflow"] } : {}) },
    trustedRoots: parseTrustedRoots(text, rootFile),
    required: inputs["require-attestation"],
  };
}

/** The action's work; the runner's entry (index.ts) and `@github/local-action` call it. */
export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = readInputs({
      model: z.string().optional(),
      version: z.string().default("auto"),
      path: z.string().default(".ctrain/model"),
      repository: z.string().optional(),
      config: z.string().optional(),
      "require-attestation": booleanInput.default(false),
      "trusted-root": z.string().optional(),
      "signer-workflow": z.string().optional(),
    });
    const token = readToken();
    const context = readRunContext();
    const eventTag = inputs.version === "auto" ? releaseTagFromEvent(context) : undefined;
    const eventModel = eventTag === undefined ? undefined : parseModelTag(eventTag)?.model;
    if (eventTag !== undefined && eventModel === undefined) {
      throw new UserError(`the release that started this run, ${eventTag}, is not a ctrain model release`, {
        hint: "run this job only for model releases: `if: contains(github.event.release.tag_name, '@v')`",
      });
    }
    const model =
      inputs.model ?? eventModel ?? loadConfig({ file: inputs.config, cwd: context.workspace }).config.model?.name;
    if (!model) {
      throw new UserError("no model to fetch: the `model` input is empty and ctrain.yml names no model", {
        hint: "set `model:` under `with:` in the workflow step",
      });
    }
    if (eventModel !== undefined && eventModel !== model) {
      throw new UserError(
        `the release that started this run is ${eventTag}, a release of ${eventModel}, not ${model}`,
        {
          hint: `run this job only for ${model}: \`if: startsWith(github.event.release.tag_name, '${modelTag(model, "")}')\``,
        },
      );
    }
    const client = createGitHubClient({ token, baseUrl: context.apiUrl, log: (line) => core.warning(line) });
    const repository = inputs.repository ? parseRepository(inputs.repository) : context.repository;
    const registry = new GitHubModelRegistry(client, repository);
    const attestation = attestationCheck(inputs, context.workspace, {
      find: (sha256) => findAttestations(client, repository, sha256),
      signer: { repository: `${repository.owner}/${repository.repo}`, serverUrl: context.serverUrl },
    });
    const fetched = await fetchModel({
      registry,
      model,
      version: eventTag ?? (inputs.version === "auto" ? "latest" : inputs.version),
      destination: resolve(context.workspace, inputs.path),
      log: (line) => actionLog.info(line),
      attestation,
    });
    core.setOutput("path", fetched.path);
    core.setOutput("model-path", fetched.modelPath);
    core.setOutput("version", fetched.release.version);
    core.setOutput("tag", fetched.release.tag);
    core.setOutput("release-url", fetched.release.location);
    core.setOutput("metrics", JSON.stringify(fetched.metrics, encodeNonFinite));
    actionLog.info(`fetched and verified ${fetched.release.tag} into ${fetched.path}`);
  });
}
