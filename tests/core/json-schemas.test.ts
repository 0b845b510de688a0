import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateJsonSchemas } from "@ctrain/core";

describe("committed JSON Schemas", () => {
  it("are what the zod schemas generate (run `node scripts/run-ts.mjs scripts/generate-schemas.ts` after a change)", () => {
    for (const [file, text] of Object.entries(generateJsonSchemas())) {
      expect(readFileSync(join(process.cwd(), "schemas", file), "utf8"), file).toBe(text);
    }
  });
});
