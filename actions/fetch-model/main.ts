import { resolve } from "node:path";
import * as core from "@actions/core";
import { z } from "zod";
import { UserError, encodeNonFinite, loadConfig } from "@ctrain/core";
import {
  actionLog,
  GitHubModelRegistry,
  createGitHubClient,
  readInputs,
  readRunContext,
  readToken,
  releaseTagFromEvent,
  runAction,
  type RepositoryRef,
} from "@ctrain/github";
import { fetchModel, modelTag, parseModelTag } from "@ctrain/publish";

function parseRepository(value: string): RepositoryRef {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(value);
  if (!match) {
    throw new UserError(`input 'repository': expected owner/name, got ${JSON.stringify(value)}`, {
      hint: "fix `repository:` under `with:` in the workflow step",
    });
  }
  return { owner: match[1]!, repo: match[2]! };
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
    const registry = new GitHubModelRegistry(
      client,
      inputs.repository ? parseRepository(inputs.repository) : context.repository,
    );
    const fetched = await fetchModel({
      registry,
      model,
      version: eventTag ?? (inputs.version === "auto" ? "latest" : inputs.version),
      destination: resolve(context.workspace, inputs.path),
      log: (line) => actionLog.info(line),
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
