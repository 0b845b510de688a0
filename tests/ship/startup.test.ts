// The actions load the artifact, cache and attestation toolkits on first use, never at start: each bundle runs to its
// first line of work under a module loader hook that records every file Node loads, and the packages inside those
// files (the `sources` of each file's source map) must not include them. `npm run bench:startup` measures
// what this buys; this test guards the structure, not the time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = process.cwd();
/** The toolkits an action must import only where it uses them, with the stacks they bring. */
const LOADED_ON_FIRST_USE = [
  "@actions/artifact",
  "@actions/cache",
  "@actions/attest",
  "@azure/storage-blob",
  "@sigstore/sign",
  // The GitHub client's octokit stack: loaded on its first request (packages/github/src/octokit.ts).
  "@actions/github",
  "@octokit/core",
  "@octokit/plugin-rest-endpoint-methods",
  "bottleneck",
  // Row JSON Schemas and Parquet files: loaded with the first one (packages/data/src/checks/ajv-dialects.ts,
  // packages/readers/src/parquet.ts).
  "ajv",
  "ajv-formats",
  "hyparquet",
];

const HOOKS = `
import { appendFileSync } from "node:fs";
export async function load(url, context, nextLoad) {
  if (url.startsWith("file:")) appendFileSync(process.env.LOADED_FILES_LOG, url + "\\n");
  return nextLoad(url, context);
}
`;

let temp: string;
let register: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), "ctrain-startup-"));
  writeFileSync(join(temp, "hooks.mjs"), HOOKS);
  register = join(temp, "register.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(temp, "hooks.mjs")).href)});\n`,
  );
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Loaded {
  exitCode: number | null;
  output: string;
  /** The npm packages whose code is in the files Node loaded, by the sources their source maps name. */
  packages: Set<string>;
}

/** Runs a bundle as the runner would, with the loader hook, and reads which packages' code it loaded. */
function runRecordingLoads(entry: string, env: Record<string, string> = {}): Loaded {
  const run = mkdtempSync(join(temp, "run-"));
  const log = join(run, "loaded.txt");
  writeFileSync(log, "");
  const workspace = join(run, "workspace");
  mkdirSync(workspace);
  const result = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, entry], {
    cwd: workspace,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: run,
      LOADED_FILES_LOG: log,
      GITHUB_ACTIONS: "true",
      GITHUB_EVENT_NAME: "push",
      GITHUB_REPOSITORY: "octo/churn",
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: run,
      // The first thing every action reads from disk: it stops there, having loaded all it loads at start.
      INPUT_CONFIG: "no-such-ctrain.yml",
      ...env,
    },
  });
  const packages = new Set<string>();
  for (const url of new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))) {
    const map = JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, "utf8")) as { sources: string[] };
    for (const source of map.sources) {
      const name = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
      if (name) packages.add(name);
    }
  }
  return { exitCode: result.status, output: `${result.stdout}${result.stderr}`, packages };
}

describe("what an action loads at start", () => {
  const actions = readdirSync(join(root, "actions")).filter((name) =>
    existsSync(join(root, "actions", name, "index.ts")),
  );

  it.each(actions)(
    "%s loads none of the artifact, cache, attestation, octokit, ajv and Parquet stacks before its first line of work",
    (name) => {
      const entry = join(root, "dist", name, "index.js");
      expect(existsSync(entry), `${entry} is missing: run \`npm run build\``).toBe(true);
      const loaded = runRecordingLoads(entry);
      const metadata = parseYaml(readFileSync(join(root, "actions", name, "action.yml"), "utf8")) as {
        inputs?: Record<string, unknown>;
      };
      // An action that reads ctrain.yml stops at the missing one, its first read from disk, or before it at the
      // missing token (fetch-model and publish reach GitHub before they need the config): a user error either way.
      if (metadata.inputs && "config" in metadata.inputs)
        expect(loaded.output).toMatch(/config file not found|no GitHub token/);
      expect(loaded.output).not.toContain("failed unexpectedly");
      expect(loaded.exitCode).toBe(1);
      // The loads are seen: the toolkit every action uses at start is among them.
      expect(loaded.packages).toContain("@actions/core");
      expect(LOADED_ON_FIRST_USE.filter((name) => loaded.packages.has(name))).toEqual([]);
    },
  );

  it("sees a toolkit that a bundle imports at start, and not one that it only could import", async () => {
    // A bundle built like dist/ (ESM, split) that imports @actions/cache on demand: the detector must tell the two.
    const dir = join(temp, "probe");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    await build({
      stdin: {
        contents: [
          'import * as core from "@actions/core";',
          'if (process.env.LOAD_CACHE) core.info(String((await import("@actions/cache")).isFeatureAvailable()));',
          'core.info("first line of work");',
        ].join("\n"),
        resolveDir: root,
        sourcefile: "probe.ts",
        loader: "ts",
      },
      outdir: dir,
      entryNames: "index",
      chunkNames: "chunks/[name]-[hash]",
      bundle: true,
      splitting: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minifyWhitespace: true,
      sourcemap: "linked",
      sourcesContent: false,
      logLevel: "error",
      banner: {
        js: "import { createRequire as __probeCreateRequire } from 'node:module'; const require = __probeCreateRequire(import.meta.url);",
      },
    });
    const entry = join(dir, "index.js");
    const withoutCache = runRecordingLoads(entry);
    expect(withoutCache.exitCode, withoutCache.output).toBe(0);
    expect(withoutCache.packages).toContain("@actions/core");
    expect(withoutCache.packages).not.toContain("@actions/cache");
    const withCache = runRecordingLoads(entry, { LOAD_CACHE: "1" });
    expect(withCache.exitCode, withCache.output).toBe(0);
    expect(withCache.packages).toContain("@actions/cache");
  });
});
