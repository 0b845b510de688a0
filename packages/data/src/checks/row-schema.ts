import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { UserError } from "@ctrain/core";
import type { AjvDialects } from "./ajv-dialects.js";

/** A row JSON Schema compiled once, in two flavours: text cells (CSV) are coerced to the schema's types, typed ones not. */
export interface RowSchema {
  /** The schema file as the config names it. */
  file: string;
  /** The first reason a row breaks the schema, or undefined when it conforms. */
  check(row: Record<string, unknown>, textCells: boolean): string | undefined;
}

/**
 * Reads and compiles a row JSON Schema (draft-07 by default; 2019-09 and 2020-12 when `$schema` names them; formats
 * from ajv-formats). An unreadable file, invalid JSON or an invalid schema is a UserError naming the file.
 */
export async function loadRowSchema(file: string, cwd = process.cwd()): Promise<RowSchema> {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`cannot read the JSON Schema file: ${(error as Error).message}`, {
      location: file,
      hint: "check `schema:` in the dataset's config; the path is relative to the working directory",
      cause: error,
    });
  }
  const schema = parseSchemaJson(text, file);
  const { ajvDialects } = await import("./ajv-dialects.js");
  const compile = (coerceTypes: boolean): ValidateFunction => {
    const ajv = createAjv(ajvDialects, schema, coerceTypes);
    try {
      return ajv.compile(schema);
    } catch (error) {
      throw new UserError(`invalid JSON Schema: ${(error as Error).message}`, {
        location: file,
        hint: "fix the schema so it validates against its meta-schema (draft-07 unless `$schema` says otherwise)",
        cause: error,
      });
    }
  };
  const typed = compile(false);
  let coercing: ValidateFunction | undefined;
  return {
    file,
    check(row, textCells) {
      const validate = textCells ? (coercing ??= compile(true)) : typed;
      if (validate(row)) return undefined;
      return describeSchemaError(validate.errors?.[0], row);
    },
  };
}

function parseSchemaJson(text: string, file: string): Record<string, unknown> | boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, " ");
    const position = /at position (\d+)/.exec(message);
    throw new UserError(`the JSON Schema is not valid JSON: ${message}`, {
      location: position ? `${file}:${lineAndColumn(text, Number(position[1]))}` : file,
      hint: "fix the JSON syntax (a missing comma or quote, a trailing comma)",
      cause: error,
    });
  }
  if (typeof parsed === "boolean" || (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))) {
    return parsed as Record<string, unknown> | boolean;
  }
  throw new UserError("the JSON Schema must be an object (or true/false)", {
    location: file,
    hint: 'start it with { "type": "object", "properties": { ... } }',
  });
}

function createAjv(
  { Ajv, Ajv2019, Ajv2020, addFormats }: AjvDialects,
  schema: Record<string, unknown> | boolean,
  coerceTypes: boolean,
): Ajv {
  const dialect = typeof schema === "object" ? String(schema.$schema ?? "") : "";
  const options = { allErrors: false, strict: false, coerceTypes, validateFormats: true } as const;
  const ajv = dialect.includes("2020-12")
    ? new Ajv2020(options)
    : dialect.includes("2019-09")
      ? new Ajv2019(options)
      : new Ajv(options);
  addFormats(ajv);
  return ajv as Ajv;
}

/** `/age must be <= 120, got 130`: the schema path's message and the value found there. */
function describeSchemaError(error: ErrorObject | undefined, row: Record<string, unknown>): string {
  if (!error) return "does not match the schema";
  const where = error.instancePath || "row";
  let message = `${where} ${error.message ?? "does not match the schema"}`;
  if (error.keyword === "additionalProperties") {
    message += `: ${JSON.stringify((error.params as { additionalProperty: string }).additionalProperty)}`;
  } else if (error.keyword === "enum") {
    message += `: ${JSON.stringify((error.params as { allowedValues: unknown[] }).allowedValues)}`;
  }
  const value = valueAt(row, error.instancePath);
  if (error.instancePath && value !== undefined) message += `, got ${JSON.stringify(value)}`;
  return message;
}

function valueAt(row: Record<string, unknown>, pointer: string): unknown {
  let node: unknown = row;
  for (const token of pointer.split("/").slice(1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node;
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}
