import semver from "semver";
import { z } from "zod";
import { RELEASE_ASSETS_MAX, RelativePath, RunSource, UserError, parseDocument } from "@ctrain/core";
import { modelTag } from "./tags.js";

/** The manifest is stored beside the files it lists, under this name; it cannot list its own digest. */
export const MANIFEST_ASSET = "manifest.json";
/** A manifest of 1000 files is about 400 KB; anything far bigger is not one ctrain wrote. */
export const MANIFEST_MAX_BYTES = 8 * 1024 ** 2;
/** Model files land under this folder of a fetched version, so their names never meet the documents'. */
export const MODEL_FOLDER = "model";
/** The run's evaluation predictions land here, under their own file name, so a later compare can pair with them. */
export const PREDICTIONS_FOLDER = "predictions";

/** Where each document of a published version lives, in the release and in a fetched folder. */
export const DOCUMENT_PATHS = {
  "model-card": "model-card.md",
  run: "run.json",
  validation: "validation.json",
  comparison: "comparison.json",
} as const;
export type DocumentRole = keyof typeof DOCUMENT_PATHS;
export type FileRole = DocumentRole | "model" | "predictions";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex sha256");
/** Characters GitHub keeps in asset names as given; it renames anything else, which would break the manifest. */
export const AssetName = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/, "an asset name of letters, digits, '.', '_' and '-'")
  .refine((name) => !name.endsWith("."), { message: "an asset name that does not end with '.'" });

const StoredPart = z.strictObject({ asset: AssetName, bytes: z.number().int().min(0), sha256: Sha256 });
export type StoredPart = z.infer<typeof StoredPart>;

export const ManifestFile = z
  .strictObject({
    path: RelativePath,
    role: z.enum(["model", "model-card", "run", "validation", "comparison", "predictions"]),
    bytes: z.number().int().min(0),
    sha256: Sha256,
    /** A Python pickle runs code when loaded; the model card warns about it. */
    pickle: z.boolean().optional(),
    /** One asset for a whole file; files above the asset limit are split into ordered parts. */
    parts: z.array(StoredPart).min(1).max(RELEASE_ASSETS_MAX),
  })
  .refine((file) => file.parts.reduce((sum, part) => sum + part.bytes, 0) === file.bytes, {
    message: "the sizes of a file's parts must add up to its size",
  })
  .refine((file) => file.parts.length > 1 || file.parts[0]!.sha256 === file.sha256, {
    message: "a file stored whole must have the sha256 of its one asset",
  })
  .refine(
    (file) =>
      file.role === "model"
        ? file.path.startsWith(`${MODEL_FOLDER}/`)
        : file.role === "predictions"
          ? file.path.startsWith(`${PREDICTIONS_FOLDER}/`) && file.path.split("/").length === 2
          : file.path === DOCUMENT_PATHS[file.role],
    {
      message: `model files must lie under ${MODEL_FOLDER}/, predictions directly in ${PREDICTIONS_FOLDER}/ and documents at their fixed names`,
    },
  );
export type ManifestFile = z.infer<typeof ManifestFile>;

export const ApprovalRecord = z.strictObject({
  policy: z.string().max(200),
  reason: z.string().max(2000),
  pullRequest: z.number().int().positive().optional(),
  approvers: z.array(z.string().max(100)).max(100).default([]),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

export const Manifest = z
  .strictObject({
    schema: z.literal("ctrain.manifest/v1"),
    model: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/),
    version: z.string().refine((version) => semver.valid(version) === version, { message: "a semantic version" }),
    tag: z.string().max(200),
    createdAt: z.iso.datetime({ offset: true }),
    /** Identity of the run bundle behind this version: the same bundle is never published twice. */
    bundleDigest: Sha256,
    source: RunSource,
    approval: ApprovalRecord,
    files: z.array(ManifestFile).min(1).max(RELEASE_ASSETS_MAX),
  })
  .superRefine((manifest, context) => {
    const problem = manifestProblem(manifest);
    if (problem)
      context.addIssue({ code: "custom", message: problem, path: problem.startsWith("tag") ? ["tag"] : ["files"] });
  });
export type Manifest = z.infer<typeof Manifest>;

/** Rules a schema cannot say per field: one tag spelling, sorted unique paths, unique assets, required documents. */
function manifestProblem(manifest: Omit<Manifest, "files"> & { files: ManifestFile[] }): string | undefined {
  if (manifest.tag !== modelTag(manifest.model, manifest.version)) {
    return `tag ${manifest.tag} does not match ${modelTag(manifest.model, manifest.version)}`;
  }
  const paths = manifest.files.map((file) => file.path);
  for (let i = 1; i < paths.length; i++) {
    if (!(paths[i - 1]! < paths[i]!)) return `files are not sorted by path with no repeats at ${paths[i]}`;
  }
  // Case-insensitive file systems (macOS, Windows) would merge two paths that differ only in case.
  const folded = new Set(paths.map((path) => path.toLowerCase()));
  if (folded.size !== paths.length) return "two file paths differ only in letter case";
  const assets = manifest.files.flatMap((file) => file.parts.map((part) => part.asset.toLowerCase()));
  if (new Set([...assets, MANIFEST_ASSET]).size !== assets.length + 1) return "an asset name is used twice";
  if (assets.length + 1 > RELEASE_ASSETS_MAX) return `more than ${RELEASE_ASSETS_MAX} assets`;
  const all = new Set(paths);
  for (const path of paths) {
    const segments = path.split("/");
    for (let depth = 1; depth < segments.length; depth++) {
      if (all.has(segments.slice(0, depth).join("/")))
        return `${path} lies inside ${segments.slice(0, depth).join("/")}, which is a file`;
    }
  }
  const roles = new Set(manifest.files.map((file) => file.role));
  for (const role of ["model", "run", "model-card"] as const) {
    if (!roles.has(role)) return `no ${role} file is listed`;
  }
  if (manifest.files.filter((file) => file.role === "predictions").length > 1) return "more than one predictions file";
  return undefined;
}

export function serializeManifest(manifest: Manifest): string {
  return JSON.stringify(Manifest.parse(manifest), null, 2) + "\n";
}

/** Reads a manifest from a registry: hostile input, so size, schema and every cross-field rule are checked. */
export function parseManifest(text: string, label: string): Manifest {
  if (Buffer.byteLength(text) > MANIFEST_MAX_BYTES) {
    throw new UserError(`manifest is larger than ${MANIFEST_MAX_BYTES} bytes`, { location: label });
  }
  return parseDocument(text, Manifest, label);
}

/**
 * The release asset name of a model file: its path with folders joined by `.` and other characters GitHub would
 * rename replaced by `_` (`weights/model v2.bin` -> `weights.model_v2.bin`).
 */
export function assetNameFor(path: string): string {
  return path
    .split("/")
    .map((segment) => segment.replace(/[^A-Za-z0-9._-]/g, "_"))
    .join(".")
    .replace(/^\./, "_")
    .replace(/\.+$/, (dots) => "_".repeat(dots.length));
}

/** `model.bin.part-002-of-011`: sorts in order and says how many to expect. */
export function partAssetName(name: string, index: number, count: number): string {
  const width = Math.max(3, String(count).length);
  return `${name}.part-${String(index + 1).padStart(width, "0")}-of-${String(count).padStart(width, "0")}`;
}
