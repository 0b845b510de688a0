import { z } from "zod";
import { CtrainConfig } from "./config/schema.js";
import { ComparisonDocument, ProfileDocument, RunDocument, ValidationDocument } from "./bundle/documents.js";

/** The JSON Schemas committed under `schemas/` for editors (`# yaml-language-server: $schema=...`) and other tools. */
export function generateJsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, id: string, title: string, io: "input" | "output"): string =>
    JSON.stringify({ $id: id, title, ...z.toJSONSchema(schema, { io, unrepresentable: "any" }) }, null, 2) + "\n";
  return {
    "ctrain.schema.json": render(CtrainConfig, "ctrain.schema.json", "ctrain.yml", "input"),
    "run.schema.json": render(RunDocument, "run.schema.json", "ctrain run record (run.json)", "output"),
    "validation.schema.json": render(ValidationDocument, "validation.schema.json", "ctrain validation.json", "output"),
    "profile.schema.json": render(ProfileDocument, "profile.schema.json", "ctrain dataset profile", "output"),
    "comparison.schema.json": render(ComparisonDocument, "comparison.schema.json", "ctrain comparison.json", "output"),
  };
}
