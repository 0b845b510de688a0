import { z } from "zod";
import { CtrainConfig } from "./config/schema.js";
import { ComparisonDocument, ProfileDocument, RunDocument, ValidationDocument } from "./bundle/documents.js";

/** The JSON Schemas (of the files as written, so `io: "input"`) committed under `schemas/` for editors (`# yaml-language-server: $schema=...`) and other tools. */
export function generateJsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string): string =>
    JSON.stringify({ $id: id, title, ...z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) }, null, 2) +
    "\n";
  return {
    "ctrain.schema.json": render(CtrainConfig, "ctrain.schema.json", "ctrain.yml"),
    "run.schema.json": render(RunDocument, "run.schema.json", "ctrain run record (run.json)"),
    "validation.schema.json": render(ValidationDocument, "validation.schema.json", "ctrain validation.json"),
    "profile.schema.json": render(ProfileDocument, "profile.schema.json", "ctrain dataset profile"),
    "comparison.schema.json": render(ComparisonDocument, "comparison.schema.json", "ctrain comparison.json"),
  };
}
