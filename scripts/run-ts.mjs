// Runs a TypeScript script (benchmarks, generators) on Node 20 and 24: bundles it with esbuild, then imports it.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node scripts/run-ts.mjs <script.ts> [args...]");
  process.exit(2);
}
const bundled = await build({
  entryPoints: [resolve(script)],
  outfile: "script.mjs",
  write: false,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __ctrainCreateRequire } from 'node:module'; const require = __ctrainCreateRequire(import.meta.url);",
  },
});
// Named by its content in the repository's cache, not a temp folder: a script that dies (out of memory, killed)
// leaves nothing behind, and concurrent runs of one script share one file, written whole by a rename.
const code = bundled.outputFiles[0].contents;
const outfile = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "node_modules",
  ".cache",
  "ctrain-run-ts",
  `${createHash("sha256").update(code).digest("hex").slice(0, 32)}.mjs`,
);
mkdirSync(dirname(outfile), { recursive: true });
const partial = `${outfile}.${process.pid}.partial`;
writeFileSync(partial, code);
renameSync(partial, outfile);
process.argv = [process.argv[0], resolve(script), ...args];
await import(pathToFileURL(outfile).href);
