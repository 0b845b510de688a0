import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { UserError } from "@ctrain/core";
import type { DataFile } from "./sources.js";

/** The decompressed bytes of a file in chunks, and how many bytes of the file on disk were read so far. */
export interface ByteStream {
  chunks: AsyncIterable<Buffer>;
  bytesRead(): number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Bytes [start, end) of a file on disk. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Opens a text file for streaming; gzip (by magic bytes, whatever the name) is decompressed on the fly. A `range`
 * reads only those bytes of an uncompressed file (a planned piece; gzip cannot be entered mid-stream).
 */
export async function openByteStream(source: DataFile, chunkBytes: number, range?: ByteRange): Promise<ByteStream> {
  const gzip = await startsWithGzipMagic(source.path).catch((error: unknown) => {
    throw cannotRead(source.file, error);
  });
  if (gzip && range) throw new Error(`${source.file} is gzip: it is read whole, not from a byte range`);
  const raw = createReadStream(
    source.path,
    range ? { highWaterMark: chunkBytes, start: range.start, end: range.end - 1 } : { highWaterMark: chunkBytes },
  );
  let bytesRead = 0;
  raw.on("data", (chunk) => (bytesRead += chunk.length));
  const chunks = gzip ? pipeline(raw, createGunzip({ chunkSize: Math.max(chunkBytes, 64) }), () => undefined) : raw;
  return { chunks: explainReadErrors(chunks, source.file), bytesRead: () => bytesRead };
}

/** Whether a file starts with the gzip magic bytes (1f 8b). */
export async function startsWithGzipMagic(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** Disk and gzip failures are the user's to fix (permissions, a damaged file), so they become UserErrors. */
async function* explainReadErrors(chunks: AsyncIterable<Buffer>, file: string): AsyncGenerator<Buffer> {
  try {
    yield* chunks;
  } catch (error) {
    throw cannotRead(file, error);
  }
}

/** A disk or gzip failure as the UserError to show (other errors as they are). */
export function cannotRead(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  if (code.startsWith("Z_")) {
    return new UserError(`the gzip data is corrupt or cut short (${(error as Error).message})`, {
      location: file,
      hint: "download or compress the file again; `gzip -t` checks a gzip file",
      cause: error,
    });
  }
  return new UserError(`cannot read the file: ${(error as Error).message}`, {
    location: file,
    hint:
      code === "EACCES"
        ? "give the workflow's user read permission on the file"
        : "check that the path names a readable file",
    cause: error,
  });
}
