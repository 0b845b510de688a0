// Bundles each action (actions/<name>/index.ts, which calls the run() of its main.ts) as self-contained ESM into
// dist/<name>/: index.js, which the runner starts, and chunks/ for the modules it imports only on first use (the
// artifact, cache and attestation toolkits, the Parquet codecs: esbuild splits each `import()` into its own chunk, so
// a step that never uses them does not compile and run them at start; `npm run bench:startup` measures it). The CLI
// has no chunks: dist/cli/index.js holds all it runs. The CLI and the validate action also get thread.js, which
// validation's threads start from.
// `--check` builds into a temporary folder beside dist/ and fails when dist/ differs from what the sources build.
// Names (`node scripts/build.mjs compare cli`) rebuild only those bundles.
// dist/cli/ is also the npm package `ctrain` (`npm pack ./dist/cli`): its bundle holds everything the CLI runs, so the
// package has no dependencies; the repository root stays the private workspace that builds it.
import { build } from "esbuild";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
} from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const check = process.argv.includes("--check");
const only = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));

const entries = readdirSync(join(root, "actions"))
  .filter((name) => existsSync(join(root, "actions", name, "index.ts")))
  .map((name) => ({ name, entry: join(root, "actions", name, "index.ts") }));
entries.push({ name: "cli", entry: join(root, "packages/cli/src/main.ts") });
// Validation's threads start from a bundle of their own, beside the entry of the CLI and of the validate action.
const threadEntry = { in: join(root, "packages/data/src/validate/thread-entry.ts"), out: "thread" };
const withThreads = new Set(["cli", "validate"]);
const selected = only.length ? entries.filter(({ name }) => only.includes(name)) : entries;

// The check builds beside dist/, at its depth: each source map names its sources relative to its own file, and the
// chunk names hash the maps, so a build anywhere else names every chunk differently.
const outRoot = check ? mkdtempSync(join(root, ".dist-check-")) : join(root, "dist");
if (!check && !only.length) {
  // A full build drops bundles whose action is gone; the others are overwritten in place.
  const kept = new Set([...entries.map(({ name }) => name), "package.json"]);
  for (const stale of existsSync(outRoot) ? readdirSync(outRoot) : []) {
    if (!kept.has(stale)) rmSync(join(outRoot, stale), { recursive: true, force: true });
  }
}
mkdirSync(outRoot, { recursive: true });

/**
 * ctrain's own modules (packages/<name>/src) only declare things at their top level: one that the action uses nothing
 * of need not run. Marking them free of side effects lets esbuild drop such modules and the dependencies that only
 * they import (report, publish and fetch-model do not load ajv, hyparquet or the data readers at start).
 */
const packagesWithoutSideEffects = {
  name: "packages-without-side-effects",
  setup(builder) {
    const ownSource = /\/packages\/[^/]+\/src\//;
    builder.onResolve({ filter: /^(\.|@ctrain\/)/ }, async ({ path, kind, importer, resolveDir, pluginData }) => {
      const fromDependency = importer.includes("/node_modules/");
      if (fromDependency || pluginData === packagesWithoutSideEffects || kind === "entry-point") return undefined;
      const resolved = await builder.resolve(path, {
        kind,
        importer,
        resolveDir,
        pluginData: packagesWithoutSideEffects,
      });
      return ownSource.test(resolved.path) && resolved.errors.length === 0
        ? { ...resolved, sideEffects: false }
        : resolved;
    });
  },
};

const started = performance.now();
const sizes = [];
for (const { name, entry } of selected) {
  const outdir = join(outRoot, name);
  // Chunk names carry a content hash: a rebuild starts from an empty folder so no earlier chunk is left behind.
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [{ in: entry, out: "index" }, ...(withThreads.has(name) ? [threadEntry] : [])],
    outdir,
    bundle: true,
    // The CLI package stays one file: its `import()`s are bundled in it and evaluated on first use.
    splitting: name !== "cli",
    chunkNames: "chunks/[name]-[hash]",
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    // The actions' bundles are read and compiled at every step's start: without whitespace (names kept, so stack
    // traces still say which function failed) they start with ~5 MiB less memory. Each file's linked source map
    // (sources, not their content) maps a reported stack trace back to the source: Node reads it only under
    // `NODE_OPTIONS=--enable-source-maps`, so it costs no start-up. The CLI stays readable as it is.
    ...(name === "cli"
      ? {}
      : { minifyWhitespace: true, minifySyntax: true, sourcemap: "linked", sourcesContent: false }),
    logLevel: "warning",
    plugins: [packagesWithoutSideEffects],
    // CommonJS dependencies call require() for Node built-ins; ESM bundles need one (in every chunk).
    banner: {
      js: [
        name === "cli" ? "#!/usr/bin/env node" : "",
        "import { createRequire as __ctrainCreateRequire } from 'node:module';",
        "const require = __ctrainCreateRequire(import.meta.url);",
      ]
        .filter(Boolean)
        .join("\n"),
    },
  });
  const chunks = listFiles(join(outdir, "chunks")).filter((file) => file.endsWith(".js"));
  sizes.push([name, statSync(join(outdir, "index.js")).size, chunks.length]);
  if (name === "cli") writeCliPackage(outdir);
}
writeFileSync(join(outRoot, "package.json"), JSON.stringify({ type: "module" }, null, 2) + "\n");
const seconds = ((performance.now() - started) / 1000).toFixed(2);

/** Makes dist/cli/ the publishable CLI: an executable bin, a manifest from the root's, the getting-started guide. */
function writeCliPackage(dir) {
  chmodSync(join(dir, "index.js"), 0o755);
  const workspace = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const manifest = {
    name: "ctrain",
    version: workspace.version,
    description: workspace.description,
    license: workspace.license,
    repository: workspace.repository,
    type: "module",
    bin: { ctrain: "index.js" },
    engines: workspace.engines,
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
  // npm shows the guide away from docs/: its links to sibling pages point at the release's docs on GitHub.
  const repository = /github\.com[/:]([\w.-]+\/[\w-]+)/.exec(workspace.repository.url)[1];
  const docs = `https://github.com/${repository}/blob/v${workspace.version}/docs/`;
  const guide = readFileSync(join(root, "docs/getting-started.md"), "utf8");
  writeFileSync(join(dir, "README.md"), guide.replace(/\]\(([\w-]+\.md(#[\w-]*)?)\)/g, `](${docs}$1)`));
}

if (!check) {
  for (const [name, size, chunks] of sizes) {
    console.log(`dist/${name}/index.js  ${(size / 1024).toFixed(0)} KiB${chunks ? `  (+${chunks} chunks)` : ""}`);
  }
  console.log(`built ${sizes.length} bundles in ${seconds}s`);
  process.exit(0);
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => statSync(join(dir, file)).isFile())
    .sort();
}
const committed = join(root, "dist");
const expected = listFiles(outRoot);
const actual = listFiles(committed);
const stale = [
  ...expected.filter(
    (file) => !actual.includes(file) || !readFileSync(join(outRoot, file)).equals(readFileSync(join(committed, file))),
  ),
  ...actual.filter((file) => !expected.includes(file)),
];
rmSync(outRoot, { recursive: true, force: true });
const cliBin = join(committed, "cli", "index.js");
if (selected.some(({ name }) => name === "cli") && existsSync(cliBin) && !(statSync(cliBin).mode & 0o100)) {
  stale.push("cli/index.js (not executable: `git update-index --chmod=+x dist/cli/index.js`)");
}
if (stale.length) {
  console.error(`dist/ is stale: ${stale.map((file) => relative(".", join("dist", file))).join(", ")}`);
  console.error("Run `npm run build` and commit dist/.");
  process.exit(1);
}
console.log(`dist/ is fresh (${expected.length} files, checked in ${seconds}s)`);
