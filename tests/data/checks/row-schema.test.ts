import { describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { loadRowSchema } from "@ctrain/data";
import { workspace } from "./support.js";

async function loadError(files: Record<string, string>, file: string): Promise<UserError> {
  try {
    await loadRowSchema(file, workspace(files));
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error("expected a UserError");
}

describe("row JSON Schema", () => {
  it("names the schema file and ajv's reason when the schema is invalid", async () => {
    const error = await loadError({ "s.json": '{"type": "objekt"}' }, "s.json");
    expect(error.location).toBe("s.json");
    expect(error.message).toMatch(
      /^invalid JSON Schema: schema is invalid: data\/type must be equal to one of the allowed values/,
    );
    expect(error.format().split("\n")[0]).not.toContain("\n");
  });

  it("points at the line and column of a JSON syntax error when the parser gives a position", async () => {
    const error = await loadError({ "s.json": '{\n  "type": "object",\n  "properties": {,}\n}' }, "s.json");
    expect(error.message).toMatch(/^the JSON Schema is not valid JSON/);
    expect(error.message).not.toContain("\n");
    expect(error.location).toMatch(/^s\.json(:3:\d+)?$/);
  });

  it("says when the file cannot be read", async () => {
    const error = await loadError({}, "missing.json");
    expect(error.location).toBe("missing.json");
    expect(error.message).toMatch(/cannot read the JSON Schema file/);
  });

  it("uses the dialect $schema names", async () => {
    const dir = workspace({
      "s.json": JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: { tags: { type: "array", prefixItems: [{ type: "string" }], items: false } },
      }),
    });
    const schema = await loadRowSchema("s.json", dir);
    expect(schema.check({ tags: ["a"] }, false)).toBeUndefined();
    expect(schema.check({ tags: ["a", "b"] }, false)).toMatch(/^\/tags must NOT have more than 1 items/);
  });
});
