// Compiles the AssemblyScript modules and writes the TypeScript modules that embed them; a test checks they are fresh.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generatedWasmModules } from "./wasm/modules.js";

const root = process.cwd();
const modules = await generatedWasmModules(root);
for (const [path, text] of Object.entries(modules)) writeFileSync(join(root, path), text);
console.log(`wrote ${Object.keys(modules).length} modules`);
