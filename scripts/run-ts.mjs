// Runs a TypeScript script (benchmarks, generators) on Node 20 and 24: bundles it with esbuild to a temp file, then imports it.
import { build } from "esbuild";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error("usage: node scripts/run-ts.mjs <script.ts> [args...]");
  process.exit(2);
}
const outDir = mkdtempSync(join(tmpdir(), "ctrain-run-ts-"));
const outfile = join(outDir, "script.mjs");
await build({
  entryPoints: [resolve(script)],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
  banner: {
    js: "import { createRequire as __ctrainCreateRequire } from 'node:module'; const require = __ctrainCreateRequire(import.meta.url);",
  },
});
process.argv = [process.argv[0], resolve(script), ...args];
// On exit rather than in a finally: a script that calls process.exit() never reaches one.
process.once("exit", () => rmSync(outDir, { recursive: true, force: true }));
await import(pathToFileURL(outfile).href);
