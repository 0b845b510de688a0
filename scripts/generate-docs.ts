// Writes the generated reference pages (docs/config.md, docs/actions/*.md); a test checks they are fresh.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { generatedDocs } from "./docs/reference.js";

const root = process.cwd();
const pages = generatedDocs(root);
for (const [path, text] of Object.entries(pages)) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
console.log(`wrote ${Object.keys(pages).length} pages`);
