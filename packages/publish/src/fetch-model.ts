import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import {
  RunDocument,
  UserError,
  confinedPath,
  parseDocument,
  type ModelRegistry,
  type PublishedModel,
  type RecordedValue,
} from "@ctrain/core";
import { MANIFEST_ASSET, MODEL_FOLDER, parseManifest, type Manifest } from "./manifest.js";
import { checkAssetsAgainstManifest, downloadListedFile, readManifest } from "./published.js";
import { resolveVersionSpec } from "./versioning.js";
import { verifyAttestation, type ExpectedSigner } from "./verify-attestation.js";

/** How a fetch proves where the model files come from, beyond the manifest's digests. */
export interface AttestationCheck {
  /** The Sigstore bundles stored for a file's sha256 (GitHub's attestations API). */
  find(sha256: string): Promise<unknown[]>;
  trustedRoots: unknown[];
  signer: ExpectedSigner;
  /** Refuse a model file that no attestation covers; otherwise its absence is logged. */
  required: boolean;
}

export interface FetchedModel {
  release: PublishedModel;
  manifest: Manifest;
  /** The folder holding the manifest, the documents and `model/`. */
  path: string;
  /** The folder holding the model files. */
  modelPath: string;
  /** The run's metrics, read from its verified run.json. */
  metrics: Record<string, RecordedValue>;
}

/** Finds the version a fetch asks for: `latest`, a tag, a version or a semver range. */
export async function resolvePublished(
  registry: ModelRegistry,
  model: string,
  spec: string,
  where?: string,
): Promise<PublishedModel> {
  return resolveVersionSpec(spec, model, await registry.list(model), where);
}

/**
 * A destination may be replaced only when it is empty or holds an earlier fetch: a mistaken `path: .` must never
 * delete a workspace.
 */
function assertReplaceable(destination: string): void {
  if (!existsSync(destination)) return;
  const refuse = (what: string): never => {
    throw new UserError(`cannot fetch into ${destination}: ${what}`, {
      hint: "choose an empty or new folder; ctrain replaces only folders that an earlier fetch wrote",
    });
  };
  if (!statSync(destination).isDirectory()) refuse("it is a file");
  if (readdirSync(destination).length === 0) return;
  const manifest = join(destination, MANIFEST_ASSET);
  if (!existsSync(manifest)) refuse("it holds files that an earlier fetch did not write");
  try {
    parseManifest(readFileSync(manifest, "utf8"), manifest);
  } catch {
    refuse(`its ${MANIFEST_ASSET} is not a ctrain manifest`);
  }
}

/**
 * Downloads a published version into `destination` and proves it: the manifest is read as hostile input, the stored
 * files must be exactly the ones it lists, every download is size-capped and checked against its sha256, split files
 * are reassembled and checked whole, and every path stays inside the folder. Only a fully verified version replaces
 * the destination.
 */
export async function fetchPublished(
  registry: ModelRegistry,
  release: PublishedModel,
  destinationPath: string,
  log: (line: string) => void = () => undefined,
  attestation?: AttestationCheck,
): Promise<FetchedModel> {
  const destination = resolve(destinationPath);
  assertReplaceable(destination);
  mkdirSync(dirname(destination), { recursive: true });
  const prefix = join(dirname(destination), `.${basename(destination)}.fetch-`);
  const staging = mkdtempSync(prefix);
  const partsDir = mkdtempSync(prefix);
  try {
    const manifest = await readManifest(registry, release, join(staging, MANIFEST_ASSET));
    checkAssetsAgainstManifest(release, manifest);
    for (const file of manifest.files) {
      const target = confinedPath(staging, file.path);
      mkdirSync(dirname(target), { recursive: true });
      await downloadListedFile(registry, release, file, target, partsDir);
      log(`verified ${file.path} (${file.bytes} bytes, sha256 ${file.sha256.slice(0, 12)})`);
    }
    if (attestation) await checkAttestations(manifest, release, attestation, log);
    const runPath = join(staging, manifest.files.find((file) => file.role === "run")!.path);
    const run = parseDocument(readFileSync(runPath, "utf8"), RunDocument, `${release.tag}/run.json`);
    if (existsSync(destination)) {
      const previous = `${staging}.previous`;
      renameSync(destination, previous);
      renameSync(staging, destination);
      rmSync(previous, { recursive: true, force: true });
    } else {
      renameSync(staging, destination);
    }
    return { release, manifest, path: destination, modelPath: join(destination, MODEL_FOLDER), metrics: run.metrics };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partsDir, { recursive: true, force: true });
  }
}

/**
 * Each model file must be covered by an attestation that verifies (signature, trusted root, repository, workflow);
 * the downloads were already checked against the manifest, so the attested digests are those of the files on disk.
 */
async function checkAttestations(
  manifest: Manifest,
  release: PublishedModel,
  check: AttestationCheck,
  log: (line: string) => void,
): Promise<void> {
  for (const file of manifest.files.filter((entry) => entry.role === "model")) {
    const bundles = await check.find(file.sha256);
    if (bundles.length === 0) {
      if (check.required) {
        throw new UserError(`${release.tag}: ${file.path} has no provenance attestation`, {
          location: "attestation",
          hint: "publish with `attest: true` (release-model.yml's `attest` input), or set `require-attestation: false`",
        });
      }
      log(`${file.path}: no provenance attestation found (not required)`);
      continue;
    }
    let firstProblem: unknown;
    let verified: Awaited<ReturnType<typeof verifyAttestation>> | undefined;
    for (const bundle of bundles) {
      try {
        verified = await verifyAttestation(bundle, check.trustedRoots, check.signer, [file]);
        break;
      } catch (error) {
        firstProblem ??= error;
      }
    }
    if (!verified) {
      if (firstProblem instanceof UserError) {
        throw new UserError(`${release.tag}: ${file.path}: ${firstProblem.message}`, {
          location: firstProblem.location,
          hint: firstProblem.hint,
        });
      }
      throw firstProblem;
    }
    log(`verified the provenance of ${file.path}: signed by ${verified.signerWorkflow}`);
  }
}

export interface FetchModelOptions {
  registry: ModelRegistry;
  model: string;
  /** `latest`, a tag, a version or a semver range. */
  version: string;
  destination: string;
  log?: (line: string) => void;
  attestation?: AttestationCheck;
}

/** Resolves and fetches a model version: what `ctrain fetch` and the fetch-model action do. */
export async function fetchModel(options: FetchModelOptions): Promise<FetchedModel> {
  const release = await resolvePublished(options.registry, options.model, options.version);
  options.log?.(`fetching ${release.tag} from ${options.registry.description}`);
  return fetchPublished(options.registry, release, options.destination, options.log, options.attestation);
}
