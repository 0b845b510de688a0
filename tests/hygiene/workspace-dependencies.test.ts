import { readFileSync, readdirSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import ts from "typescript";
import { glob } from "tinyglobby";
import { describe, expect, it } from "vitest";

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
}

const root = JSON.parse(readFileSync("package.json", "utf8")) as PackageJson;
const workspaces = readdirSync("packages").map((folder) => ({
  folder: join("packages", folder),
  manifest: JSON.parse(readFileSync(join("packages", folder, "package.json"), "utf8")) as PackageJson,
}));

/** The package an import specifier names (`@scope/name` or `name`), or undefined for relative paths and builtins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || isBuiltin(specifier)) return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Every package the TypeScript files under `folder` import: static, type-only, re-exports and dynamic imports. */
async function importedPackages(folder: string, self: string): Promise<string[]> {
  const names = new Set<string>();
  for (const file of await glob("src/**/*.ts", { cwd: folder, absolute: true })) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName } of importedFiles) {
      const name = packageOf(fileName);
      if (name && name !== self) names.add(name);
    }
  }
  return [...names].sort();
}

describe("workspace package.json files", () => {
  it("reads package names from the specifiers of every kind of import", () => {
    expect(packageOf("@ctrain/core")).toBe("@ctrain/core");
    expect(packageOf("@octokit/plugin-retry")).toBe("@octokit/plugin-retry");
    expect(packageOf("yaml")).toBe("yaml");
    expect(packageOf("hyparquet/src/x.js")).toBe("hyparquet");
    expect(packageOf("node:fs")).toBeUndefined();
    expect(packageOf("fs")).toBeUndefined();
    expect(packageOf("./local.js")).toBeUndefined();
    const { importedFiles } = ts.preProcessFile(
      `import type { A } from "a"; export * from "b"; const c = await import("c");`,
      true,
      true,
    );
    expect(importedFiles.map((f) => f.fileName)).toEqual(["a", "b", "c"]);
  });

  it.each(workspaces.map((w) => [w.manifest.name, w] as const))(
    "%s declares exactly the packages it imports, at the root's versions",
    async (_name, { folder, manifest }) => {
      const declared = manifest.dependencies ?? {};
      expect(Object.keys(declared).sort()).toEqual(await importedPackages(folder, manifest.name));
      for (const [name, range] of Object.entries(declared)) {
        const workspace = workspaces.find((w) => w.manifest.name === name);
        // One copy of each library: a workspace asks for what the root installs; its siblings are always linked.
        expect({ name, range }).toEqual({ name, range: workspace ? "*" : root.dependencies?.[name] });
      }
    },
  );
});
