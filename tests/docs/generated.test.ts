import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_KEY_DESCRIPTIONS, configJsonSchema, walkConfigSchema } from "@ctrain/core";
import { actionPermissions, generatedDocs } from "../../scripts/docs/reference.js";

const root = process.cwd();

describe("generated reference docs", () => {
  it("are fresh (run `node scripts/run-ts.mjs scripts/generate-docs.ts` after changing an action.yml or the schema)", () => {
    for (const [path, text] of Object.entries(generatedDocs(root))) {
      expect(existsSync(join(root, path)), path).toBe(true);
      expect(readFileSync(join(root, path), "utf8"), path).toBe(text);
    }
  });

  it("describe every ctrain.yml key, and only keys that exist", () => {
    const keys: string[] = [];
    walkConfigSchema(configJsonSchema(), (path) => keys.push(path));
    expect(keys.filter((key) => !CONFIG_KEY_DESCRIPTIONS[key])).toEqual([]);
    expect(Object.keys(CONFIG_KEY_DESCRIPTIONS).filter((key) => !keys.includes(key))).toEqual([]);
  });

  const actionNames = readdirSync(join(root, "actions")).filter((name) =>
    existsSync(join(root, "actions", name, "action.yml")),
  );
  it.each(actionNames)("actions/%s/action.yml documents its permissions, inputs and outputs", (name) => {
    const text = readFileSync(join(root, "actions", name, "action.yml"), "utf8");
    expect(text).toMatch(/^# Permissions/m);
    const metadata = parse(text) as {
      inputs?: Record<string, { description?: string }>;
      outputs?: Record<string, { description?: string }>;
    };
    for (const [input, spec] of Object.entries(metadata.inputs ?? {})) expect(spec.description, input).toBeTruthy();
    for (const [output, spec] of Object.entries(metadata.outputs ?? {})) expect(spec.description, output).toBeTruthy();
    expect(Object.keys(metadata.outputs ?? {}).length).toBeGreaterThan(0);
    for (const row of actionPermissions(text)) expect(["read", "write", "none"]).toContain(row.level);
  });
});
