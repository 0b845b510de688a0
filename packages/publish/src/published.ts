import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  BUNDLE_TOTAL_MAX_BYTES,
  RunDocument,
  UserError,
  confinedPath,
  parseDocument,
  type ModelRegistry,
  type PublishedModel,
} from "@ctrain/core";
import {
  DOCUMENT_PATHS,
  MANIFEST_ASSET,
  MANIFEST_MAX_BYTES,
  parseManifest,
  type Manifest,
  type ManifestFile,
  type StoredPart,
} from "./manifest.js";
import { assembleParts } from "./parts.js";

function altered(release: PublishedModel, detail: string): UserError {
  return new UserError(`${release.tag} (${release.location}): ${detail}`, {
    hint: "the release was altered after publishing, or was not written by ctrain; do not deploy it",
  });
}

/** Downloads and checks a version's manifest; `destination` receives the raw file. */
export async function readManifest(
  registry: ModelRegistry,
  release: PublishedModel,
  destination: string,
): Promise<Manifest> {
  if (!release.assets.some((asset) => asset.name === MANIFEST_ASSET)) {
    throw altered(release, `there is no ${MANIFEST_ASSET}`);
  }
  await registry.download(release, MANIFEST_ASSET, destination, MANIFEST_MAX_BYTES);
  const manifest = parseManifest(readFileSync(destination, "utf8"), `${release.tag}/${MANIFEST_ASSET}`);
  if (manifest.tag !== release.tag) throw altered(release, `its manifest describes ${manifest.tag}`);
  return manifest;
}

/**
 * Holds a version's stored files to its manifest before anything is downloaded: every file the manifest lists is
 * there with the listed size (and digest, when the registry reports one), and nothing else is.
 */
export function checkAssetsAgainstManifest(release: PublishedModel, manifest: Manifest): void {
  const listed = new Map(manifest.files.flatMap((file) => file.parts.map((part) => [part.asset, part] as const)));
  for (const asset of release.assets) {
    if (asset.name === MANIFEST_ASSET) continue;
    if (!listed.has(asset.name)) throw altered(release, `it holds ${asset.name}, which the manifest does not list`);
  }
  for (const [name, part] of listed) {
    const asset = release.assets.find((candidate) => candidate.name === name);
    if (!asset) throw altered(release, `${name}, listed in the manifest, is missing`);
    if (asset.state !== "uploaded") throw altered(release, `${name} was never fully uploaded`);
    if (asset.bytes !== part.bytes)
      throw altered(release, `${name} is ${asset.bytes} bytes; the manifest says ${part.bytes}`);
    if (asset.digest && asset.digest !== `sha256:${part.sha256}`) {
      throw altered(release, `${name} has digest ${asset.digest}; the manifest says sha256:${part.sha256}`);
    }
  }
}

/** Downloads one stored file, refusing more bytes than listed and any content whose sha256 differs. */
export async function downloadVerifiedPart(
  registry: ModelRegistry,
  release: PublishedModel,
  part: StoredPart,
  destination: string,
): Promise<void> {
  const got = await registry.download(release, part.asset, destination, part.bytes);
  if (got.bytes !== part.bytes || got.sha256 !== part.sha256) {
    rmSync(destination, { force: true });
    throw altered(
      release,
      got.bytes > part.bytes
        ? `${part.asset} is longer than the ${part.bytes} bytes the manifest lists`
        : `${part.asset} downloaded as ${got.bytes} bytes with sha256 ${got.sha256}; ` +
            `the manifest says ${part.bytes} bytes with sha256 ${part.sha256}`,
    );
  }
}

/**
 * Downloads one file the manifest lists to `target`: every part capped and checked, a split file reassembled and
 * checked whole. `partsDir` holds the parts meanwhile.
 */
export async function downloadListedFile(
  registry: ModelRegistry,
  release: PublishedModel,
  file: ManifestFile,
  target: string,
  partsDir: string,
): Promise<void> {
  if (file.parts.length === 1) {
    await downloadVerifiedPart(registry, release, file.parts[0]!, target);
    return;
  }
  const partFiles = file.parts.map((part) => join(partsDir, part.asset));
  for (const [index, part] of file.parts.entries()) {
    await downloadVerifiedPart(registry, release, part, partFiles[index]!);
  }
  await assembleParts(partFiles, target, file);
  for (const partFile of partFiles) rmSync(partFile);
}

/** Reads the version's manifest and its verified run record, inside `scratch`. */
async function readVerifiedRun(
  registry: ModelRegistry,
  release: PublishedModel,
  scratch: string,
): Promise<{ manifest: Manifest; run: RunDocument; runFile: string }> {
  const manifest = await readManifest(registry, release, join(scratch, MANIFEST_ASSET));
  checkAssetsAgainstManifest(release, manifest);
  const entry = manifest.files.find((file) => file.role === "run")!;
  const runFile = join(scratch, DOCUMENT_PATHS.run);
  await downloadListedFile(registry, release, entry, runFile, scratch);
  const run = parseDocument(readFileSync(runFile, "utf8"), RunDocument, `${release.tag}/${entry.path}`);
  return { manifest, run, runFile };
}

/** The verified run record of a published version (its metrics are the baseline a later version is measured by). */
export async function readPublishedRun(
  registry: ModelRegistry,
  release: PublishedModel,
  workDir: string,
): Promise<RunDocument> {
  mkdirSync(workDir, { recursive: true });
  const scratch = mkdtempSync(join(workDir, ".ctrain-published-"));
  try {
    return (await readVerifiedRun(registry, release, scratch)).run;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface PublishedEvaluation {
  run: RunDocument;
  /** A run bundle folder: run.json, and the predictions file at the run's `predictions` path when there is one. */
  bundleDir: string;
  /** Why the version carries no predictions to pair with; absent when it does. */
  noPredictions?: string;
}

/**
 * A published version's run record and evaluation predictions as a run bundle in `destination` (replaced whole),
 * for comparing against the champion. The predictions must match both the manifest and the run record's digest.
 * Versions published before releases carried predictions still give their run record.
 */
export async function readPublishedEvaluation(
  registry: ModelRegistry,
  release: PublishedModel,
  destination: string,
): Promise<PublishedEvaluation> {
  mkdirSync(dirname(destination), { recursive: true });
  const staging = mkdtempSync(`${destination}.staging-`);
  const scratch = mkdtempSync(`${destination}.scratch-`);
  try {
    const { manifest, run, runFile } = await readVerifiedRun(registry, release, scratch);
    renameSync(runFile, join(staging, DOCUMENT_PATHS.run));
    const entry = manifest.files.find((file) => file.role === "predictions");
    const recorded = run.predictions;
    if (entry && !recorded) throw altered(release, `it holds ${entry.path}, which its run record does not list`);
    if (recorded && entry) {
      if (entry.bytes !== recorded.bytes || entry.sha256 !== recorded.sha256) {
        throw altered(
          release,
          `${entry.path} is listed as ${entry.bytes} bytes with sha256 ${entry.sha256}; ` +
            `the run record says ${recorded.bytes} bytes with sha256 ${recorded.sha256}`,
        );
      }
      if (entry.bytes > BUNDLE_TOTAL_MAX_BYTES) {
        throw new UserError(`${release.tag}: ${entry.path} is ${entry.bytes} bytes, more than a baseline may hold`, {
          location: release.location,
          hint: `keep predictions under ${BUNDLE_TOTAL_MAX_BYTES} bytes (a held-out sample) to compare with them`,
        });
      }
      const target = confinedPath(staging, recorded.path);
      mkdirSync(dirname(target), { recursive: true });
      await downloadListedFile(registry, release, entry, target, scratch);
    }
    rmSync(destination, { recursive: true, force: true });
    renameSync(staging, destination);
    const noPredictions = entry
      ? undefined
      : recorded
        ? `release ${release.tag} has no predictions (it was published before releases carried them)`
        : `release ${release.tag} has no predictions (its run recorded none)`;
    return { run, bundleDir: destination, noPredictions };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}
