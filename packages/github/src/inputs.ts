import * as core from "@actions/core";
import { z } from "zod";
import { UserError } from "@ctrain/core";

/** GitHub's YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
export const booleanInput = z
  .enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "expected true or false" })
  .transform((value) => value.toLowerCase() === "true");

export const numberInput = z
  .string()
  .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/, "expected a number")
  .transform(Number);

export const integerInput = z
  .string()
  .regex(/^-?\d+$/, "expected a whole number")
  .transform(Number);

/** A list given one per line or comma-separated, as workflow authors write it either way. */
export const listInput = z.string().transform((value) =>
  value
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter(Boolean),
);

export type InputShape = Record<string, z.ZodType>;
export type InputValues<S extends InputShape> = { [K in keyof S]: z.output<S[K]> };

/**
 * Reads the action's inputs once into a typed settings object. An empty input counts as not given, so
 * `z.optional()` and `.default()` decide; a bad value names the input, what was found and what was expected.
 */
export function readInputs<S extends InputShape>(
  shape: S,
  read: (name: string) => string = (name) => core.getInput(name),
): InputValues<S> {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const raw = read(name);
    const result = schema.safeParse(raw === "" ? undefined : raw);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      const message = issue.code === "invalid_type" && raw === "" ? "a value is required" : issue.message;
      throw new UserError(`input '${name}': ${message}, got ${JSON.stringify(raw)}`, {
        hint: `fix \`${name}:\` under \`with:\` in the workflow step`,
      });
    }
    values[name] = result.data;
  }
  return values as InputValues<S>;
}

/**
 * An action's inputs, declared once: the zod shape that reads them and the `ctrain.yml` key each overriding input
 * sets. action.yml must agree with it (a test holds them together).
 */
export interface ActionInputs<S extends InputShape> {
  shape: S;
  overrides: Partial<Record<keyof S & string, string>>;
}

export function actionInputs<S extends InputShape>(
  shape: S,
  overrides: Partial<Record<keyof S & string, string>> = {},
): ActionInputs<S> {
  return { shape, overrides };
}

/** The token input: its default is the runner's `${{ github.token }}`, and `readToken` masks it as it reads it. */
export const tokenInput = z.string().optional();
