import { z } from "zod";
import { CtrainConfig } from "./config/schema.js";
import { CONFIG_KEY_DESCRIPTIONS } from "./config/descriptions.js";
import {
  ComparisonDocumentV2,
  ModelTestDocument,
  ProfileDocument,
  RunDocument,
  ValidationDocument,
} from "./bundle/documents.js";

export interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Visits every key of the config's JSON Schema with its dotted path (`*` for names the user chooses). */
export function walkConfigSchema(
  node: JsonSchemaNode,
  visit: (path: string, node: JsonSchemaNode) => void,
  path = "",
): void {
  for (const option of [...(node.anyOf ?? []), ...(node.allOf ?? [])]) walkConfigSchema(option, visit, path);
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path ? `${path}.${key}` : key;
    visit(childPath, child);
    walkConfigSchema(child, visit, childPath);
  }
  if (
    typeof node.additionalProperties === "object" &&
    (node.additionalProperties.properties || node.additionalProperties.anyOf)
  ) {
    const childPath = `${path}.*`;
    visit(childPath, node.additionalProperties);
    walkConfigSchema(node.additionalProperties, visit, childPath);
  }
}

/** The JSON Schema of `ctrain.yml` (the file as written, so `io: "input"`), with each key's description. */
export function configJsonSchema(): JsonSchemaNode {
  const schema = z.toJSONSchema(CtrainConfig, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  walkConfigSchema(schema, (path, node) => {
    const description = CONFIG_KEY_DESCRIPTIONS[path];
    if (description) node.description = description;
  });
  return schema;
}

/** The JSON Schemas committed under `schemas/` for editors (`# yaml-language-server: $schema=...`) and other tools. */
export function generateJsonSchemas(): Record<string, string> {
  const render = (schema: object, id: string, title: string): string =>
    JSON.stringify({ $id: id, title, ...schema }, null, 2) + "\n";
  const documentSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  return {
    "ctrain.schema.json": render(configJsonSchema(), "ctrain.schema.json", "ctrain.yml"),
    "run.schema.json": render(documentSchema(RunDocument), "run.schema.json", "ctrain run record (run.json)"),
    "validation.schema.json": render(
      documentSchema(ValidationDocument),
      "validation.schema.json",
      "ctrain validation.json",
    ),
    "profile.schema.json": render(documentSchema(ProfileDocument), "profile.schema.json", "ctrain dataset profile"),
    "comparison.schema.json": render(
      documentSchema(ComparisonDocumentV2),
      "comparison.schema.json",
      "ctrain comparison.json",
    ),
    "model-test.schema.json": render(
      documentSchema(ModelTestDocument),
      "model-test.schema.json",
      "ctrain model-test.json",
    ),
  };
}
