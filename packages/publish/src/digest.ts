import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Writes a stream to `destination` while hashing it, and stops reading as soon as it passes `maxBytes`: a hostile
 * server cannot fill the disk past what the manifest promised. A result above `maxBytes` means "longer than that";
 * the extra bytes are never written.
 */
export async function writeHashedCapped(
  source: AsyncIterable<Uint8Array>,
  destination: string,
  maxBytes: number,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  let bytes = 0;
  async function* capped(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) return;
      hash.update(chunk);
      yield chunk;
    }
  }
  await pipeline(capped, createWriteStream(destination));
  return { bytes, sha256: hash.digest("hex") };
}
