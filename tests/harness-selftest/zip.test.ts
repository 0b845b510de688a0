import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, expect, it } from "vitest";
import { createZip } from "../harness/zip.js";

const scratch = mkdtempSync(join(tmpdir(), "ctrain-zip-selftest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const checker = fileURLToPath(new URL("../reference/harness-zip-check.py", import.meta.url));

const fileName = fc
  .array(
    fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
      .filter((part) => !/[/\\\0]/.test(part) && part !== "." && part !== ".."),
    {
      minLength: 1,
      maxLength: 3,
    },
  )
  .map((parts) => parts.join("/"));
const archive = fc.dictionary(fileName, fc.uint8Array({ maxLength: 300 }), { maxKeys: 6 });

it("writes archives that Python's zipfile reads back byte for byte with valid CRCs", () => {
  const samples = fc.sample(archive, { numRuns: 40, seed: 20260611 });
  const paths = samples.map((files, index) => {
    const path = join(scratch, `${index}.zip`);
    writeFileSync(path, createZip(files));
    return path;
  });
  const read = JSON.parse(execFileSync("/usr/bin/python3", [checker, ...paths], { encoding: "utf8" })) as Array<{
    bad: string | null;
    files: Record<string, string>;
  }>;
  samples.forEach((files, index) => {
    const expected = Object.fromEntries(
      Object.entries(files).map(([name, bytes]) => [name, Buffer.from(bytes).toString("base64")]),
    );
    expect(read[index]).toEqual({ bad: null, files: expected });
  });
});
