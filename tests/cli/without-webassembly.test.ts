import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-dir.js";

const CLI = join(process.cwd(), "dist/cli/index.js");

/** Cells of every shape the WebAssembly fast paths take or leave: numbers, spellings, quotes, non-ASCII text. */
const SHAPES = {
  x: ["1", "-2.5", "1e5", "0.000123456789012345", "NA", "", "inf", "007", "12345678901234567890", '"3"', "-0"],
  when: ["2024-01-15", "2024-02-30", "2024-01-15T10:00:00Z", "later"],
  flag: ["true", "False", "TRUE", "no"],
  name: ["alpha", "béta", "gamma delta", '"quoted, name"', '"say ""hi"""', '"x"y'],
  label: ["yes", "no", "yes"],
};

function validate(dir: string, nodeArgs: string[]) {
  const result = spawnSync(process.execPath, [...nodeArgs, CLI, "validate"], { cwd: dir, encoding: "utf8" });
  expect(result.status, result.stderr).toBe(1);
  const read = (path: string) =>
    JSON.parse(readFileSync(join(dir, ".ctrain", path), "utf8"), (key, value: unknown) =>
      key === "createdAt" ? undefined : value,
    ) as unknown;
  return { validation: read("validation.json"), profile: read("profile/d.json") };
}

describe("validation without WebAssembly (node --no-expose-wasm)", () => {
  it("writes the documents it writes with the WebAssembly fast paths, byte for byte but their times", () => {
    const dir = tempDir("ctrain-no-wasm-");
    const rows = Array.from({ length: 3000 }, (_, i) =>
      [
        i % 2900,
        SHAPES.x[i % 11],
        ((i * 7919) % 100000) / 100,
        SHAPES.when[i % 4],
        SHAPES.flag[(i * 3) % 4],
        SHAPES.name[(i * 5) % 6],
        "abc"[i % 3],
        SHAPES.label[i % 3],
      ].join(","),
    );
    writeFileSync(join(dir, "data.csv"), `id,x,price,when,flag,name,note,label\n${rows.join("\n")}\n`);
    writeFileSync(
      join(dir, "ctrain.yml"),
      [
        "data:",
        "  datasets:",
        "    d:",
        "      path: data.csv",
        "      key: id",
        "      label: label",
        "      duplicate-rows: warn",
        "      columns:",
        "        x: { type: float }",
        "        name: { max-length: 12 }",
        "",
      ].join("\n"),
    );
    const fast = validate(dir, []);
    const plain = validate(dir, ["--no-expose-wasm"]);
    // The second run had no WebAssembly: everything ran in JavaScript.
    const probe = spawnSync(process.execPath, ["--no-expose-wasm", "-p", "typeof WebAssembly"], { encoding: "utf8" });
    expect(probe.stdout.trim()).toBe("undefined");
    expect(plain.validation).toEqual(fast.validation);
    expect(plain.profile).toEqual(fast.profile);
  });
});
