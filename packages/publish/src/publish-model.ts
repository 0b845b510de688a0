import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from "node:fs";
import { basename, join, relative, resolve, sep } from "node:path";
import {
  UserError,
  confinedPath,
  sha256File,
  isUserError,
  writeFileAtomic,
  type ApprovalSource,
  type AssetSource,
  type Bundle,
  type ModelConfig,
  type ModelRegistry,
  type ProfileDocument,
  type PublishConfig,
  type PublishedModel,
  type RunDocument,
  type RunSource,
} from "@ctrain/core";
import { decideApproval, type ApprovalDecision } from "./approval.js";
import { attestationSubjects, type AttestationSubject } from "./attestation.js";
import { assertVerdictsAllowPublishing } from "./gate.js";
import {
  DOCUMENT_PATHS,
  MANIFEST_ASSET,
  MODEL_FOLDER,
  PREDICTIONS_FOLDER,
  assetNameFor,
  serializeManifest,
  type DocumentRole,
  type Manifest,
  type ManifestFile,
} from "./manifest.js";
import { renderModelCard } from "./model-card.js";
import { planStoredFile, type FileToStore } from "./parts.js";
import { readManifest, readPublishedRun } from "./published.js";
import { bundleDigest, releaseBody } from "./release-body.js";
import { modelTag, pickChampion } from "./tags.js";
import { nextVersion } from "./versioning.js";

export interface PublishModelOptions {
  bundle: Bundle;
  /** The folder the run's model file paths are relative to (the workspace). */
  modelRoot: string;
  model: ModelConfig | undefined;
  publish: PublishConfig;
  registry: ModelRegistry;
  /** Where approvals are read from; absent on a laptop, where the person running the command approves. */
  approvalSource?: ApprovalSource;
  /** The commit the version is tagged at; approval is checked for it. */
  commit?: string;
  /** The run that publishes, for the card's lineage. */
  publisher?: RunSource;
  /** Scratch folder for the model card and the manifest. */
  workDir: string;
  /** Files above this size are split into parts (GitHub's asset limit by default). */
  partBytes?: number;
  /** Signs provenance over the model files right before the version becomes visible (`publish.attest`). */
  attest?: (subjects: AttestationSubject[]) => Promise<void>;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface PublishResult {
  /** `unchanged`: this bundle was already published, nothing was written. `resumed`: an interrupted publish finished. */
  outcome: "published" | "resumed" | "unchanged";
  release: PublishedModel;
  approval: ApprovalDecision;
  /** The manifest written, absent when nothing was. */
  manifest?: Manifest;
  /** The champion this version was measured against. */
  previous?: PublishedModel;
}

const CONTENT_TYPES: Record<DocumentRole, string> = {
  "model-card": "text/markdown; charset=utf-8",
  run: "application/json",
  validation: "application/json",
  comparison: "application/json",
};

function requireModelConfig(model: ModelConfig | undefined): ModelConfig {
  if (model) return model;
  throw new UserError("publishing needs a model name, and ctrain.yml has no `model:` section", {
    location: "ctrain.yml",
    hint: "add `model:` with at least `name:` (e.g. `model: { name: churn }`)",
  });
}

/** The run's model files as they are on disk now, refused if any changed since the run recorded its digest. */
async function modelFilesToStore(run: RunDocument, modelRoot: string): Promise<FileToStore[]> {
  const root = realpathSync(resolve(modelRoot));
  const files: FileToStore[] = [];
  for (const recorded of run.model.files) {
    const path = confinedPath(root, recorded.path);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      throw new UserError(`model file ${recorded.path} recorded by the run is missing`, {
        location: root,
        hint: "publish in the job that trained the model, or restore the model files before this step",
      });
    }
    // A link may point anywhere on the runner; only files inside the model folder are published.
    if (real !== root && !real.startsWith(root + sep)) {
      throw new UserError(`model file ${recorded.path} links outside ${root}`, { location: root });
    }
    const bytes = statSync(real).size;
    const sha256 = (await sha256File(real)).sha256;
    if (bytes !== recorded.bytes || sha256 !== recorded.sha256) {
      throw new UserError(`model file ${recorded.path} changed since the run recorded it`, {
        location: root,
        hint: `run.json says ${recorded.bytes} bytes with sha256 ${recorded.sha256}; found ${bytes} bytes with ${sha256}`,
      });
    }
    const relativePath = relative(root, path).split(sep).join("/");
    files.push({
      path: `${MODEL_FOLDER}/${relativePath}`,
      role: "model",
      file: real,
      bytes,
      sha256,
      pickle: recorded.pickle,
      asset: assetNameFor(relativePath),
      contentType: "application/octet-stream",
    });
  }
  return files;
}

/**
 * The run's evaluation predictions, stored so that a comparison against this version can pair with them; refused if
 * the file changed since the run recorded its digest.
 */
async function predictionsToStore(run: RunDocument, bundle: Bundle): Promise<FileToStore | undefined> {
  const recorded = run.predictions;
  if (!recorded) return undefined;
  const file = bundle.path(recorded.path);
  const found = existsSync(file) ? await sha256File(file) : undefined;
  if (!found || found.bytes !== recorded.bytes || found.sha256 !== recorded.sha256) {
    throw new UserError(
      `the predictions file ${recorded.path} recorded by the run is ${found ? "changed" : "missing"}`,
      {
        location: bundle.root,
        hint: `run.json says ${recorded.bytes} bytes with sha256 ${recorded.sha256}${found ? `; found ${found.bytes} bytes with ${found.sha256}` : ""}: publish the bundle the train step wrote, whole`,
      },
    );
  }
  const path = `${PREDICTIONS_FOLDER}/${basename(recorded.path)}`;
  return {
    path,
    role: "predictions",
    file,
    bytes: found.bytes,
    sha256: found.sha256,
    asset: assetNameFor(path),
    contentType: "application/octet-stream",
  };
}

async function documentToStore(role: DocumentRole, file: string): Promise<FileToStore> {
  return {
    path: DOCUMENT_PATHS[role],
    role,
    file,
    bytes: statSync(file).size,
    sha256: (await sha256File(file)).sha256,
    asset: DOCUMENT_PATHS[role],
    contentType: CONTENT_TYPES[role],
  };
}

/** Two files would land on one asset name (GitHub compares names without case): refused before anything is stored. */
function assertDistinctAssets(entries: readonly ManifestFile[]): void {
  const owners = new Map<string, string>([[MANIFEST_ASSET, MANIFEST_ASSET]]);
  for (const entry of entries) {
    for (const part of entry.parts) {
      const owner = owners.get(part.asset.toLowerCase());
      if (owner) {
        throw new UserError(`${entry.path} and ${owner} would both be stored as the release asset ${part.asset}`, {
          hint: "rename one of the model files",
        });
      }
      owners.set(part.asset.toLowerCase(), entry.path);
    }
  }
}

function byPath(a: ManifestFile, b: ManifestFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function readProfiles(bundle: Bundle): ProfileDocument[] {
  return bundle.listProfiles().map((dataset) => bundle.readProfile(dataset));
}

/**
 * Publishes a run bundle's model as a new version, after the gate: the comparison verdict passed and the approval
 * policy holds. Publishing the same bundle again returns the existing version; a draft an interrupted run left is
 * resumed; a tag that exists with other content is refused.
 */
export async function publishModel(options: PublishModelOptions): Promise<PublishResult> {
  const log = options.log ?? (() => undefined);
  const model = requireModelConfig(options.model);
  const { bundle, registry, publish } = options;
  const run = bundle.read("run");
  const comparison = bundle.readIfPresent("comparison");
  const validation = bundle.readIfPresent("validation");
  const modelTest = bundle.readIfPresent("model-test");
  assertVerdictsAllowPublishing({ run, comparison, validation, modelTest }, bundle.root);

  const approval = await decideApproval(
    { approval: publish.approval, requiredApprovals: publish["required-approvals"] },
    options.commit,
    options.approvalSource,
  );
  if (!approval.approved) {
    throw new UserError(`publish refused: ${approval.reason}`, {
      location: "publish.approval",
      hint:
        publish.approval === "review"
          ? "approve the pull request's latest commit (a reviewer with write access), then re-run this job"
          : "meet the approval policy, then re-run this job",
    });
  }
  log(`approved: ${approval.reason}`);

  const modelFiles = await modelFilesToStore(run, options.modelRoot);
  const documents = [await documentToStore("run", bundle.path(DOCUMENT_PATHS.run))];
  if (comparison) documents.push(await documentToStore("comparison", bundle.path(DOCUMENT_PATHS.comparison)));
  if (validation) documents.push(await documentToStore("validation", bundle.path(DOCUMENT_PATHS.validation)));
  // run.json holds the predictions' digest, so the bundle's identity already covers them.
  const digest = bundleDigest(model.name, [...modelFiles, ...documents]);
  const predictions = await predictionsToStore(run, bundle);

  const versions = await withManifestDigests(registry, await registry.list(model.name, { drafts: true }), options, log);
  const published = versions.filter((version) => !version.draft);
  const same = versions.find((version) => version.bundleDigest === digest);
  if (same && !same.draft) {
    log(`this bundle is already published as ${same.tag}: nothing to do`);
    return { outcome: "unchanged", release: same, approval };
  }
  // A draft of this very bundle is resumed below; only a new bundle can be a re-run of a published one.
  const sameModel = same ? undefined : await sameCommitAndModel(registry, published[0], options, modelFiles);
  if (sameModel) {
    log(`${sameModel.tag} already holds these model files from commit ${options.commit!.slice(0, 12)}: nothing to do`);
    return { outcome: "unchanged", release: sameModel, approval };
  }
  const chosen = same
    ? { version: same.version, prerelease: same.prerelease }
    : nextVersion(
        published.map((version) => version.version),
        { bump: publish.bump, prerelease: publish.prerelease, explicit: publish.version },
      );
  const tag = modelTag(model.name, chosen.version);
  const taken = published.find((version) => version.tag === tag);
  if (taken) {
    throw new UserError(`${tag} already exists with different content (${taken.location})`, {
      location: publish.version ? "publish.version" : undefined,
      hint: publish.version
        ? "give a version that is not published yet, or remove `version` to bump from the latest release"
        : "another publish created this version meanwhile; re-run to bump past it",
    });
  }

  const previous = pickChampion(published);
  let previousMetrics: RunDocument["metrics"] | undefined;
  if (previous) {
    try {
      previousMetrics = (await readPublishedRun(registry, previous, options.workDir)).metrics;
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      log(`warning: cannot read the metrics of ${previous.tag}, the card will not compare with it: ${error.message}`);
    }
  }

  const partBytes = options.partBytes;
  const planned = await Promise.all(
    [...modelFiles, ...documents, ...(predictions ? [predictions] : [])].map((file) => planStoredFile(file, partBytes)),
  );
  const modelEntries = planned.slice(0, modelFiles.length).map((plan) => plan.entry);
  const card = renderModelCard({
    model,
    version: chosen.version,
    tag,
    run,
    comparison,
    validation,
    modelTest,
    profiles: readProfiles(bundle),
    previous: previousMetrics && previous ? { tag: previous.tag, metrics: previousMetrics } : undefined,
    approval,
    modelFiles: modelEntries,
    publisher: options.publisher,
    bundleDigest: digest,
  });
  mkdirSync(options.workDir, { recursive: true });
  const scratch = mkdtempSync(join(options.workDir, ".ctrain-publish-"));
  try {
    const cardFile = join(scratch, DOCUMENT_PATHS["model-card"]);
    writeFileAtomic(cardFile, card.markdown);
    planned.push(await planStoredFile(await documentToStore("model-card", cardFile), partBytes));

    const entries = planned.map((plan) => plan.entry).sort(byPath);
    assertDistinctAssets(entries);
    const manifest: Manifest = {
      schema: "ctrain.manifest/v1",
      model: model.name,
      version: chosen.version,
      tag,
      createdAt: (options.now?.() ?? new Date()).toISOString(),
      bundleDigest: digest,
      source: run.source,
      approval: {
        policy: approval.policy,
        reason: approval.reason,
        pullRequest: approval.pullRequest,
        approvers: approval.approvers,
      },
      files: entries,
    };
    const manifestFile = join(scratch, MANIFEST_ASSET);
    const manifestText = serializeManifest(manifest);
    writeFileAtomic(manifestFile, manifestText);
    const manifestSource: AssetSource = {
      name: MANIFEST_ASSET,
      file: manifestFile,
      offset: 0,
      bytes: Buffer.byteLength(manifestText),
      sha256: (await sha256File(manifestFile)).sha256,
      contentType: "application/json",
    };

    const attest = options.attest;
    if (publish.attest && !attest)
      log(`attest: true applies to GitHub releases; ${registry.description} has no attestations`);
    const subjects = publish.attest && attest ? attestationSubjects(entries) : [];
    const release = await registry.publish(
      {
        model: model.name,
        version: chosen.version,
        tag,
        title: `${model.name} v${chosen.version}`,
        body: releaseBody(card.summary, digest, approval),
        commit: options.commit,
        prerelease: chosen.prerelease,
        // GitHub never makes a prerelease the latest release.
        makeLatest: chosen.prerelease ? "false" : publish["make-latest"],
        bundleDigest: digest,
        assets: [...planned.flatMap((plan) => plan.sources), manifestSource],
        resume: same,
      },
      {
        log,
        beforePublish: subjects.length && attest ? () => attest(subjects) : undefined,
      },
    );
    return { outcome: same ? "resumed" : "published", release, approval, manifest, previous };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A re-run of the same commit trains the same model into a new run record: the newest version counts as this one
 * when it was published from this commit with exactly these model files.
 */
async function sameCommitAndModel(
  registry: ModelRegistry,
  newest: PublishedModel | undefined,
  options: Pick<PublishModelOptions, "workDir" | "commit">,
  modelFiles: readonly FileToStore[],
): Promise<PublishedModel | undefined> {
  if (!newest || !options.commit) return undefined;
  mkdirSync(options.workDir, { recursive: true });
  const scratch = mkdtempSync(join(options.workDir, ".ctrain-manifest-"));
  try {
    const manifest = await readManifest(registry, newest, join(scratch, "manifest.json"));
    if (manifest.source.commit !== options.commit) return undefined;
    const identity = (files: readonly { role: string; path: string; sha256: string }[]): string =>
      files
        .filter((file) => file.role === "model")
        .map((file) => `${file.sha256} ${file.path}`)
        .sort()
        .join("\n");
    return identity(manifest.files) === identity(modelFiles) ? newest : undefined;
  } catch (error) {
    if (!isUserError(error)) throw error;
    return undefined;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Versions with their bundle digest taken from their manifest when the registry's side record (GitHub's release
 * text, the local `.release.json`) has none: a damaged side record must not let the same bundle publish again as
 * a new version. A version whose manifest cannot be read either is named in the log and counts as other content.
 */
async function withManifestDigests(
  registry: ModelRegistry,
  versions: PublishedModel[],
  options: Pick<PublishModelOptions, "workDir">,
  log: (line: string) => void,
): Promise<PublishedModel[]> {
  const unknown = versions.filter((version) => version.bundleDigest === undefined && !version.draft);
  if (unknown.length === 0) return versions;
  mkdirSync(options.workDir, { recursive: true });
  const scratch = mkdtempSync(join(options.workDir, ".ctrain-manifests-"));
  try {
    const digests = new Map<PublishedModel, string>();
    for (const [index, version] of unknown.entries()) {
      try {
        const manifest = await readManifest(registry, version, join(scratch, `${index}.json`));
        digests.set(version, manifest.bundleDigest);
      } catch (error) {
        if (!isUserError(error)) throw error;
        log(`warning: ${version.tag} has no readable bundle digest, so it counts as other content: ${error.message}`);
      }
    }
    return versions.map((version) => {
      const digest = digests.get(version);
      return digest ? { ...version, bundleDigest: digest } : version;
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
