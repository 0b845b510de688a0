import {
  Bundle,
  UserError,
  type ApprovalSource,
  type CtrainConfig,
  type ModelRegistry,
  type RunSource,
  type StepVerdict,
} from "@ctrain/core";
import { markdownText } from "@ctrain/report";
import type { AttestationSubject } from "./attestation.js";
import { fetchModel, type AttestationCheck, type FetchedModel } from "./fetch-model.js";
import { publishModel, type PublishResult } from "./publish-model.js";
import { modelTag, parseModelTag } from "./tags.js";

const PASSED: StepVerdict = { passed: true, reasons: [], warnings: [] };

export interface PublishStepOptions {
  config: CtrainConfig;
  bundleDir: string;
  /** A bundle from another job's artifact is read as untrusted. */
  untrusted?: boolean;
  /** The folder the run's model file paths are relative to (the workspace). */
  modelRoot: string;
  registry: ModelRegistry;
  /** Where approvals are read from; absent on a laptop, where the person running the command approves. */
  approvalSource?: ApprovalSource;
  /** Who publishes, at which commit: the version is tagged there and approval is checked for it. */
  source: RunSource;
  /** Scratch folder for the model card and the manifest. */
  workDir: string;
  attest?: (subjects: AttestationSubject[]) => Promise<void>;
  log: (line: string) => void;
}

/**
 * The publish step, the same in the action and the CLI: the gate (the recorded verdict, approvals), the version,
 * the release. A run the gate refuses is the user's error, thrown with what to do.
 */
export async function runPublishStep(
  options: PublishStepOptions,
): Promise<PublishResult & { verdict: StepVerdict; outputs: PublishOutputs; summary: string }> {
  const result = await publishModel({
    bundle: new Bundle(options.bundleDir, { untrusted: options.untrusted }),
    modelRoot: options.modelRoot,
    model: options.config.model,
    publish: options.config.publish,
    registry: options.registry,
    approvalSource: options.approvalSource,
    commit: options.source.commit,
    publisher: options.source,
    workDir: options.workDir,
    attest: options.attest,
    log: options.log,
  });
  const { outcome, release, previous, approval } = result;
  const { tag, version, location, id } = release;
  const outputs = {
    outcome,
    tag,
    version,
    "release-url": location,
    "release-id": id,
    "previous-tag": previous?.tag ?? "",
  };
  return { ...result, verdict: PASSED, outputs, summary: publishSummary(outcome, tag, location, approval.reason) };
}

/**
 * The job summary of a publish: the release's tag and page, and why it was approved. The page's address is a link only
 * when it cannot break out of the markdown; the reason (which can hold a reviewer's or an environment's name) is
 * escaped.
 */
export function publishSummary(
  outcome: PublishResult["outcome"],
  tag: string,
  location: string,
  reason: string,
): string {
  const link = SAFE_URL.test(location) ? `[${markdownText(location)}](${location})` : markdownText(location);
  // A tag is `<name>@v<semver>` with a name of letters, digits and ._- (tags.ts): safe in a code span.
  return `### ${SUMMARY_VERB[outcome]} \`${tag}\`\n\n${link}\n\nApproval: ${markdownText(reason)}\n`;
}

/** The publish step's outputs, as the action declares them. */
export type PublishOutputs = {
  outcome: PublishResult["outcome"];
  tag: string;
  version: string;
  "release-url": string;
  "release-id": string | number | undefined;
  "previous-tag": string;
};

const SUMMARY_VERB = { published: "Published", resumed: "Finished publishing", unchanged: "Already published" };
/** A release page link goes into the summary as a link only when it cannot break out of the markdown. */
const SAFE_URL = /^https?:\/\/[^\s()<>[\]]+$/;

export interface FetchStepOptions {
  registry: ModelRegistry;
  /** The model the host names (an input, a flag); else the release's that started the run, else `ctrain.yml`'s. */
  model?: string;
  /** Read only when nothing else names the model. */
  config: () => CtrainConfig;
  /** How the user names the model on this host, for the error when nothing does. */
  modelHint: string;
  /** `latest`, a tag, a version or a semver range; `releaseTag` wins when given. */
  version: string;
  /** The release whose publication started this run: it decides the model and the version. */
  releaseTag?: string;
  destination: string;
  log: (line: string) => void;
  /** Verifies each file's provenance attestation before the model lands. */
  attestation?: AttestationCheck;
}

/** The fetch step, the same in the action and the CLI: name the model and version, fetch, verify every file. */
export async function runFetchStep(options: FetchStepOptions): Promise<FetchedModel & { verdict: StepVerdict }> {
  const { releaseTag } = options;
  const releaseModel = releaseTag === undefined ? undefined : parseModelTag(releaseTag)?.model;
  if (releaseTag !== undefined && releaseModel === undefined) {
    throw new UserError(`the release that started this run, ${releaseTag}, is not a ctrain model release`, {
      hint: "run this job only for model releases: `if: contains(github.event.release.tag_name, '@v')`",
    });
  }
  const model = options.model ?? releaseModel ?? options.config().model?.name;
  if (!model)
    throw new UserError("no model to fetch: nothing names it and ctrain.yml has no model.name", {
      hint: options.modelHint,
    });
  if (releaseModel !== undefined && releaseModel !== model) {
    throw new UserError(
      `the release that started this run is ${releaseTag}, a release of ${releaseModel}, not ${model}`,
      {
        hint: `run this job only for ${model}: \`if: startsWith(github.event.release.tag_name, '${modelTag(model, "")}')\``,
      },
    );
  }
  const fetched = await fetchModel({
    registry: options.registry,
    model,
    version: releaseTag ?? options.version,
    destination: options.destination,
    log: options.log,
    attestation: options.attestation,
  });
  return { ...fetched, verdict: PASSED };
}
