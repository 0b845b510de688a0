import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RunDocument, UserError, parseDocument, type ModelRegistry, type PublishedModel } from "@ctrain/core";
import { sha256Hex } from "./digest.js";
import { MANIFEST_ASSET, MANIFEST_MAX_BYTES, parseManifest, type Manifest, type StoredPart } from "./manifest.js";

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

/** The verified run record of a published version (its metrics are the baseline a later version is measured by). */
export async function readPublishedRun(
  registry: ModelRegistry,
  release: PublishedModel,
  workDir: string,
): Promise<RunDocument> {
  mkdirSync(workDir, { recursive: true });
  const scratch = mkdtempSync(join(workDir, ".ctrain-published-"));
  try {
    const manifest = await readManifest(registry, release, join(scratch, MANIFEST_ASSET));
    checkAssetsAgainstManifest(release, manifest);
    const entry = manifest.files.find((file) => file.role === "run")!;
    const parts = entry.parts.map((part, index) => ({ part, file: join(scratch, `run.${index}`) }));
    for (const { part, file } of parts) await downloadVerifiedPart(registry, release, part, file);
    const content = Buffer.concat(parts.map(({ file }) => readFileSync(file)));
    if (sha256Hex(content) !== entry.sha256)
      throw altered(release, `${entry.path} reassembled does not match its sha256`);
    return parseDocument(content.toString("utf8"), RunDocument, `${release.tag}/${entry.path}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
