// Writes the JSON Schemas generated from the zod schemas into schemas/ (a test checks they are fresh).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateJsonSchemas } from "@ctrain/core";

const dir = join(process.cwd(), "schemas");
mkdirSync(dir, { recursive: true });
for (const [file, text] of Object.entries(generateJsonSchemas())) writeFileSync(join(dir, file), text);
console.log(`wrote ${Object.keys(generateJsonSchemas()).length} schemas to schemas/`);
