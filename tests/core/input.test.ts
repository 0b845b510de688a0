import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  NESTING_DEPTH_MAX,
  RESERVED_KEYS,
  UserError,
  decodeUtf8,
  firstInvalidUtf8,
  jsonErrorOffset,
  parseJsonText,
  parseYamlText,
  readTextFile,
} from "@ctrain/core";

function userErrorOf(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("parseJsonText", () => {
  it("reads what JSON.parse reads, escapes and all", () => {
    const text = '{"a\\"b": ["x\\\\", {"c": -1.5e3}], "d\\u0065": null, "": true}';
    expect(parseJsonText(text, { label: "f.json" })).toEqual(JSON.parse(text));
  });

  it("reads Python's bare NaN and Infinity only when asked, and never inside strings", () => {
    const text = '{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN -Infinity"}';
    expect(parseJsonText(text, { label: "m.json", nonFinite: true })).toEqual({
      a: Number.NaN,
      b: [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      c: "NaN -Infinity",
    });
    expect(userErrorOf(() => parseJsonText(text, { label: "m.json" })).location).toBe("m.json:1:7");
  });

  it("places a syntax error after a replaced NaN in the original text", () => {
    const error = userErrorOf(() =>
      parseJsonText('{"a": NaN,\n "b": Infinity,\n "c": }', { label: "m.json", nonFinite: true }),
    );
    expect(error.location).toBe("m.json:3:7");
  });

  it("refuses duplicate keys (escaped spellings too) and reserved keys where they are written", () => {
    expect(userErrorOf(() => parseJsonText('{"x": {"a": 1,\n "\\u0061": 2}}', { label: "f" })).format()).toMatch(
      /^f:2:2: duplicate key "x\.a"/,
    );
    for (const key of RESERVED_KEYS) {
      expect(userErrorOf(() => parseJsonText(`[{"ok": {"${key}": 1}}]`, { label: "f" })).format()).toMatch(
        /^f:1:10: key "\[\]\.ok\..+" uses a reserved name/,
      );
    }
  });

  it("keeps keys that only look alike, and the same key in sibling objects", () => {
    expect(parseJsonText('[{"a": 1}, {"a": 2}, {"a ": 3, "A": 4}]', { label: "f" })).toHaveLength(3);
  });

  it("bounds nesting and keys, counting the line for JSON Lines", () => {
    const deep = "[".repeat(NESTING_DEPTH_MAX + 1) + "]".repeat(NESTING_DEPTH_MAX + 1);
    expect(userErrorOf(() => parseJsonText(deep, { label: "c.jsonl", line: 7 })).location).toBe(
      `c.jsonl:7:${NESTING_DEPTH_MAX + 1}`,
    );
    expect(() =>
      parseJsonText("[".repeat(NESTING_DEPTH_MAX) + "]".repeat(NESTING_DEPTH_MAX), { label: "f" }),
    ).not.toThrow();
    expect(userErrorOf(() => parseJsonText("[1,2,3,4]", { label: "f", maxNodes: 3 })).message).toMatch(/more than 3/);
  });

  it("finds the offset of a syntax error without recursion", () => {
    expect(jsonErrorOffset('{"a": [1, 2,]}')).toBe(12);
    expect(jsonErrorOffset("[".repeat(200_000))).toBe(200_000);
    expect(jsonErrorOffset('{"a": [true, null, "x\\n"]}')).toBe(-1);
  });
});

describe("parseYamlText", () => {
  const parse = (text: string) => parseYamlText(text, { label: "c.yml", hint: "fix it" });

  it("reads YAML with a few aliases", () => {
    expect(parse("a: &x {b: 1}\nc: *x\n").value).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });

  it("refuses deep nesting before composing, in flow and block style", () => {
    expect(userErrorOf(() => parse(`x: ${"[".repeat(100_000)}${"]".repeat(100_000)}`)).format()).toMatch(
      /^c\.yml:1:\d+: nested more than 64 levels/,
    );
    const block = Array.from({ length: 80 }, (_, level) => `${" ".repeat(level)}k${level}:`).join("\n") + " 1\n";
    expect(userErrorOf(() => parse(block)).message).toMatch(/nested more than 64 levels/);
  });

  it("refuses alias bombs, duplicate and reserved keys, and a second document", () => {
    const bomb = [
      "a: &a [1,1,1,1,1,1,1,1,1]",
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    ];
    expect(userErrorOf(() => parse(bomb.join("\n"))).message).toMatch(/alias bomb/);
    expect(userErrorOf(() => parse("a: 1\nb:\n  c: 1\n  c: 2\n")).format()).toMatch(
      /^c\.yml:4:3: duplicate key "b\.c"/,
    );
    expect(userErrorOf(() => parse("a:\n  - __proto__: 1\n")).format()).toMatch(/^c\.yml:2:5: key "a\.0\.__proto__"/);
    expect(userErrorOf(() => parse("a: 1\n---\nb: 2\n")).message).toMatch(/more than one YAML document/);
  });
});

describe("readTextFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-input-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (path: string, maxBytes = 100) => readTextFile(path, { label: "f", what: "test file", maxBytes });

  it("reads UTF-8 and drops a byte order mark", () => {
    writeFileSync(join(dir, "bom.txt"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("é\n")]));
    expect(read(join(dir, "bom.txt"))).toBe("é\n");
  });

  it("refuses directories, devices and files over the limit", () => {
    expect(userErrorOf(() => read(dir)).message).toMatch(/is a directory/);
    expect(userErrorOf(() => read("/dev/zero")).message).toMatch(/is a device/);
    writeFileSync(join(dir, "big.txt"), "x".repeat(101));
    expect(userErrorOf(() => read(join(dir, "big.txt"))).message).toMatch(/more than the 100 B allowed|more than the/);
  });

  it("names the first byte that is not UTF-8 at line and column, and wide encodings by name", () => {
    expect(userErrorOf(() => decodeUtf8(Buffer.from("ab\ncé\xff", "latin1"), "f")).format()).toMatch(
      /^f:2:2: byte 0xE9/,
    );
    expect(userErrorOf(() => decodeUtf8(Buffer.from([0xfe, 0xff, 0, 0x61]), "f")).message).toMatch(/UTF-16BE/);
    expect(firstInvalidUtf8(Buffer.from("é€😀", "utf8"))).toBe(9);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xf4, 0x90, 0x80, 0x80]))).toBe(1); // above U+10FFFF
  });
});
