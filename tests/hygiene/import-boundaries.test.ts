import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

// The repository's own eslint.config.js, without type information (the boundary rule needs none): each case plants
// one import in a real file's place and reads which rule the linter raises.
const eslint = new ESLint({ overrideConfig: [tseslint.configs.disableTypeChecked] });

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const planted = value;\n`, { filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("import boundaries", () => {
  it.each([
    ["packages/core/src/planted.ts", `import { value } from "@ctrain/metrics";`, "core is the bottom layer"],
    ["packages/metrics/src/planted.ts", `import { value } from "@ctrain/github";`, "never depend on a host"],
    ["packages/history/src/planted.ts", `import { value } from "@ctrain/local";`, "never depend on a host"],
    ["packages/stats/src/planted.ts", `import { value } from "@ctrain/readers";`, "just above core"],
    ["packages/readers/src/planted.ts", `import { value } from "@ctrain/data";`, "just above core"],
    ["packages/readers/src/planted.ts", `import { value } from "@ctrain/github";`, "just above core"],
    ["packages/data/src/planted.ts", `import { value } from "@ctrain/metrics";`, "only core, readers and stats"],
    ["packages/data/src/planted.ts", `import { value } from "@ctrain/local";`, "only core, readers and stats"],
    ["packages/data/src/planted.ts", `import { value } from "@ctrain/readers/src/csv.js";`, "entry point"],
    ["packages/stats/src/planted.ts", `import { value } from "@actions/github";`, "Only packages/github"],
    ["packages/report/src/planted.ts", `import { value } from "@octokit/rest";`, "Only packages/github"],
    ["packages/local/src/planted.ts", `import { value } from "@actions/github";`, "Only packages/github"],
    ["packages/local/src/planted.ts", `import { value } from "@ctrain/github";`, "never depends on GitHub's"],
    ["packages/github/src/planted.ts", `import { value } from "@ctrain/local";`, "never depends on the local one"],
    ["packages/compare/src/planted.ts", `import { value } from "@ctrain/metrics/src/gates.js";`, "entry point"],
    ["packages/compare/src/planted.ts", `import { value } from "../../metrics/src/gates.js";`, "relative path"],
    ["actions/validate/planted.ts", `import { value } from "@ctrain/data/src/index.js";`, "entry point"],
    ["actions/validate/planted.ts", `import { value } from "../../packages/data/src/index.js";`, "relative path"],
    ["actions/validate/planted.ts", `import { value } from "@octokit/rest";`, "Only packages/github"],
    ["packages/cli/src/planted.ts", `import { value } from "../../core/src/index.js";`, "relative path"],
  ])("%s: %s is refused", async (filePath, source, reason) => {
    const messages = await restrictedImports(filePath, source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it.each([
    ["packages/metrics/src/planted.ts", `import { value } from "@ctrain/core";`],
    ["packages/metrics/src/planted.ts", `import { value } from "./gates.js";`],
    ["packages/metrics/src/planted.ts", `import { value } from "@ctrain/stats";`],
    ["packages/readers/src/planted.ts", `import { value } from "@ctrain/core";`],
    ["packages/data/src/planted.ts", `import { value } from "@ctrain/readers";`],
    ["packages/data/src/planted.ts", `import { value } from "@ctrain/stats";`],
    ["packages/metrics/src/sub/planted.ts", `import { value } from "../gates.js";`],
    ["packages/github/src/planted.ts", `import { value } from "@octokit/rest";`],
    ["packages/github/src/planted.ts", `import { value } from "@ctrain/publish";`],
    ["packages/local/src/planted.ts", `import { value } from "@ctrain/publish";`],
    ["actions/validate/planted.ts", `import { value } from "@ctrain/github";`],
    ["actions/validate/planted.ts", `import { value } from "../shared/inputs.js";`],
    ["packages/cli/src/planted.ts", `import { value } from "@ctrain/local";`],
  ])("%s: %s is allowed", async (filePath, source) => {
    expect(await restrictedImports(filePath, source)).toEqual([]);
  });
});
