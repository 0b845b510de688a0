import { createReadStream, createWriteStream } from "node:fs";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RELEASE_ASSET_PART_BYTES, UserError, sha256File, type AssetSource } from "@ctrain/core";
import { AssetName, partAssetName, type FileRole, type ManifestFile } from "./manifest.js";

/** A file about to be stored: where it lies on disk and what the manifest will say about it. */
export interface FileToStore {
  /** Its path in the manifest and in a fetched folder. */
  path: string;
  role: FileRole;
  /** Absolute path on disk. */
  file: string;
  bytes: number;
  sha256: string;
  pickle?: boolean;
  /** Asset name when stored whole; parts append `.part-NNN-of-MMM`. */
  asset: string;
  contentType: string;
}

/**
 * Splits a file into asset-sized parts (one part when it fits), hashing each part as a byte range of the file so
 * nothing is copied: the registry uploads straight from the ranges.
 */
export async function planStoredFile(
  input: FileToStore,
  partBytes: number = RELEASE_ASSET_PART_BYTES,
): Promise<{ entry: ManifestFile; sources: AssetSource[] }> {
  if (!Number.isInteger(partBytes) || partBytes < 1)
    throw new Error(`part size must be a positive integer: ${partBytes}`);
  const count = Math.max(1, Math.ceil(input.bytes / partBytes));
  const sources: AssetSource[] = [];
  for (let index = 0; index < count; index++) {
    const offset = index * partBytes;
    const bytes = Math.min(partBytes, input.bytes - offset);
    const name = count === 1 ? input.asset : partAssetName(input.asset, index, count);
    if (!AssetName.safeParse(name).success) {
      throw new UserError(`file ${input.path} cannot be stored as release asset ${JSON.stringify(name)}`, {
        hint: "keep model file paths under about 200 characters",
      });
    }
    const sha256 = count === 1 ? input.sha256 : (await sha256File(input.file, { range: { offset, bytes } })).sha256;
    sources.push({ name, file: input.file, offset, bytes, sha256, contentType: input.contentType });
  }
  const entry: ManifestFile = {
    path: input.path,
    role: input.role,
    bytes: input.bytes,
    sha256: input.sha256,
    ...(input.pickle === undefined ? {} : { pickle: input.pickle }),
    parts: sources.map((source) => ({ asset: source.name, bytes: source.bytes, sha256: source.sha256 })),
  };
  return { entry, sources };
}

/**
 * Joins downloaded parts into `target` in order, hashing as it writes, and refuses a result whose size or sha256
 * differs from the manifest's.
 */
export async function assembleParts(
  partFiles: readonly string[],
  target: string,
  expected: { path: string; bytes: number; sha256: string },
): Promise<void> {
  const hash = createHash("sha256");
  let bytes = 0;
  async function* concatenated(): AsyncGenerator<Buffer> {
    for (const part of partFiles) {
      for await (const chunk of createReadStream(part)) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        yield buffer;
      }
    }
  }
  await pipeline(concatenated, createWriteStream(target, { flags: "wx" }));
  const sha256 = hash.digest("hex");
  if (bytes !== expected.bytes || sha256 !== expected.sha256) {
    throw new UserError(
      `${expected.path} reassembled from ${partFiles.length} parts is ${bytes} bytes with sha256 ${sha256}; ` +
        `the manifest says ${expected.bytes} bytes with sha256 ${expected.sha256}`,
      { hint: "the release was altered after publishing; do not deploy it, and publish a new version" },
    );
  }
}

/** The bytes of one stored file, streamed from its range of the source file. */
export function openAssetSource(source: AssetSource): Readable {
  if (source.bytes === 0) return Readable.from([]);
  return createReadStream(source.file, { start: source.offset, end: source.offset + source.bytes - 1 });
}
