import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { parseDocument } from "yaml";
import { tempDir } from "./temp-dir.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Bundles an action (`actions/<name>/index.ts`) or the CLI (`cli`) from the working tree into a temporary folder,
 * with the options scripts/build.mjs uses, so a test exercises the sources before dist/ is rebuilt; the CLI and the
 * validate action get thread.js beside it, as dist/ does. Returns the bundle's path (index.js).
 */
export async function bundleFromSource(name: string): Promise<string> {
  const entry =
    name === "cli" ? join(REPO_ROOT, "packages/cli/src/main.ts") : join(REPO_ROOT, "actions", name, "index.ts");
  const outDir = tempDir(`ctrain-source-${name}-`);
  writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));
  const threads = name === "cli" || name === "validate";
  const threadEntry = { in: join(REPO_ROOT, "packages/data/src/validate/thread-entry.ts"), out: "thread" };
  await build({
    entryPoints: [{ in: entry, out: "index" }, ...(threads ? [threadEntry] : [])],
    outdir: outDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    logLevel: "warning",
    banner: {
      js: "import { createRequire as __ctrainCreateRequire } from 'node:module';\nconst require = __ctrainCreateRequire(import.meta.url);",
    },
  });
  return join(outDir, "index.js");
}

/** An action built from the sources, with its action.yml beside it pointing at the bundle (as `runAction` checks). */
export async function actionFromSource(name: string): Promise<{ entry: string; metadata: string }> {
  const entry = await bundleFromSource(name);
  const metadata = parseDocument(readFileSync(join(REPO_ROOT, "actions", name, "action.yml"), "utf8"));
  metadata.setIn(["runs", "main"], "index.js");
  const file = join(dirname(entry), "action.yml");
  writeFileSync(file, metadata.toString());
  return { entry, metadata: file };
}
