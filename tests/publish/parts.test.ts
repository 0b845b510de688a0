import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { assembleParts, openAssetSource, planStoredFile } from "@ctrain/publish";
import { tempDir } from "../support/temp-dir.js";

const hash = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("split files", () => {
  it("split into ranges whose digests are the slices' and reassemble to the original", async () => {
    const dir = tempDir("ctrain-parts-");
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 0, maxLength: 3000 }),
        fc.integer({ min: 1, max: 700 }),
        async (bytes, partBytes) => {
          run++;
          const file = join(dir, `in-${run}`);
          writeFileSync(file, bytes);
          const { entry, sources } = await planStoredFile(
            {
              path: "model/m.bin",
              role: "model",
              file,
              bytes: bytes.length,
              sha256: hash(bytes),
              asset: "m.bin",
              contentType: "application/octet-stream",
            },
            partBytes,
          );
          expect(sources.length).toBe(Math.max(1, Math.ceil(bytes.length / partBytes)));
          expect(entry.parts.reduce((sum, part) => sum + part.bytes, 0)).toBe(bytes.length);
          const partFiles: string[] = [];
          for (const [index, source] of sources.entries()) {
            const slice = bytes.subarray(index * partBytes, index * partBytes + source.bytes);
            expect(source.sha256).toBe(hash(slice));
            const content = await readAll(openAssetSource(source));
            expect(content.equals(Buffer.from(slice))).toBe(true);
            partFiles.push(join(dir, `part-${run}-${index}`));
            writeFileSync(partFiles.at(-1)!, content);
          }
          if (sources.length === 1) expect(sources[0]!.name).toBe("m.bin");
          const target = join(dir, `out-${run}`);
          await assembleParts(partFiles, target, entry);
          expect(readFileSync(target).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("refuses a reassembly whose digest differs", async () => {
    const dir = tempDir("ctrain-parts-");
    writeFileSync(join(dir, "a"), "hello ");
    writeFileSync(join(dir, "b"), "w0rld");
    const expected = { path: "model/x", bytes: 11, sha256: hash(Buffer.from("hello world")) };
    await expect(assembleParts([join(dir, "a"), join(dir, "b")], join(dir, "out"), expected)).rejects.toThrow(
      UserError,
    );
    await expect(assembleParts([join(dir, "a"), join(dir, "b")], join(dir, "out"), expected)).rejects.toThrow(/EEXIST/);
  });
});
