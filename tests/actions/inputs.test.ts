import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { actionInputs, booleanInput, type ActionInputs, type InputShape } from "@ctrain/github";

const ACTIONS_DIR = fileURLToPath(new URL("../../actions/", import.meta.url));

interface DeclaredInput {
  description?: string;
  default?: unknown;
  required?: boolean;
}

/** A default written as a `${{ }}` expression is the runner's to fill in; the action sees it as given. */
const isExpression = (value: unknown) => typeof value === "string" && /^\$\{\{.*\}\}$/.test(value.trim());

/** Every way action.yml and the zod shape can disagree, one line each. */
function disagreements(metadata: Record<string, DeclaredInput>, declared: ActionInputs<InputShape>): string[] {
  const found: string[] = [];
  const inYaml = Object.keys(metadata);
  const inShape = Object.keys(declared.shape);
  for (const name of inYaml.filter((name) => !inShape.includes(name))) found.push(`${name}: not in the shape`);
  for (const name of inShape.filter((name) => !inYaml.includes(name))) found.push(`${name}: not in action.yml`);
  for (const name of Object.keys(declared.overrides)) {
    if (!inShape.includes(name)) found.push(`${name}: overrides a key but is no input`);
  }
  for (const name of inYaml.filter((name) => inShape.includes(name))) {
    const input = metadata[name]!;
    const schema = declared.shape[name]!;
    if (schema.description !== input.description?.trim()) found.push(`${name}: the descriptions differ`);
    if (input.required)
      found.push(`${name}: required in action.yml; ctrain's inputs all have defaults or are optional`);
    const shapeDefault = schema.safeParse(undefined);
    const yamlDefault = input.default;
    if (yamlDefault === undefined || yamlDefault === "" || isExpression(yamlDefault)) {
      if (!shapeDefault.success || shapeDefault.data !== undefined)
        found.push(`${name}: action.yml gives no default, the shape does`);
    } else {
      const parsed = schema.safeParse(String(yamlDefault));
      if (!shapeDefault.success || !parsed.success || JSON.stringify(parsed.data) !== JSON.stringify(shapeDefault.data))
        found.push(`${name}: action.yml's default ${JSON.stringify(yamlDefault)} is not the shape's`);
    }
  }
  return found;
}

const actions = readdirSync(ACTIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && readdirSync(join(ACTIONS_DIR, entry.name)).includes("action.yml"))
  .map((entry) => entry.name);

describe("each action's inputs are declared once", () => {
  it.each(actions)("%s: action.yml's inputs, defaults and descriptions agree with inputs.ts", async (action) => {
    const metadata = parseYaml(readFileSync(join(ACTIONS_DIR, action, "action.yml"), "utf8")) as {
      inputs?: Record<string, DeclaredInput>;
    };
    const { INPUTS } = (await import(join(ACTIONS_DIR, action, "inputs.ts"))) as { INPUTS: ActionInputs<InputShape> };
    expect(disagreements(metadata.inputs ?? {}, INPUTS)).toEqual([]);
  });

  it("finds every kind of disagreement", () => {
    const metadata: Record<string, DeclaredInput> = {
      upload: { description: "Upload.", default: "true" },
      bundle: { description: "The bundle.", default: ".ctrain" },
      name: { description: "The name." },
      token: { description: "The token.", default: "${{ github.token }}" },
      only: { description: "Only in the YAML." },
    };
    const declared = actionInputs(
      {
        upload: booleanInput.default(false).describe("Upload."),
        bundle: z.string().default(".ctrain").describe("The bundle folder."),
        name: z.string().default("x").describe("The name."),
        token: z.string().optional().describe("The token."),
        extra: z.string().optional().describe("Only in the shape."),
      },
      { missing: "train.command" } as never,
    );
    expect(disagreements(metadata, declared).sort()).toEqual(
      [
        "only: not in the shape",
        "extra: not in action.yml",
        "missing: overrides a key but is no input",
        "bundle: the descriptions differ",
        "upload: action.yml's default \"true\" is not the shape's",
        "name: action.yml gives no default, the shape does",
      ].sort(),
    );
  });
});
