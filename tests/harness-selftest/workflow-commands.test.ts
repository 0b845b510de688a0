import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as core from "@actions/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { parseKeyValueFile, parseStdout } from "../harness/workflow-commands.js";

const scratch = mkdtempSync(join(tmpdir(), "ctrain-commands-selftest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What @actions/core writes to stdout while `write` runs. */
function captureStdout(write: () => void): string {
  const original = process.stdout.write.bind(process.stdout);
  let captured = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    write();
  } finally {
    process.stdout.write = original;
  }
  return captured;
}

const text = fc.string({ unit: "binary", maxLength: 40 });
const nonEmpty = fc.string({ unit: "binary", minLength: 1, maxLength: 40 });

describe("workflow commands from @actions/core parse back exactly", () => {
  it("annotations keep message, title, file and position through the runner's escaping", () => {
    fc.assert(
      fc.property(
        text,
        nonEmpty,
        nonEmpty,
        fc.nat(100_000),
        fc.nat(500),
        fc.constantFrom("error", "warning", "notice") as fc.Arbitrary<"error" | "warning" | "notice">,
        (message, title, file, line, column, level) => {
          const stdout = captureStdout(() =>
            core[level](message, { title, file, startLine: line + 1, startColumn: column + 1 }),
          );
          const { annotations } = parseStdout(stdout);
          expect(annotations).toEqual([{ level, message, title, file, line: line + 1, col: column + 1 }]);
        },
      ),
    );
  });

  it("masks every registered secret in the log", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9]{6,20}$/), fc.string({ maxLength: 20 }), (secret, prefix) => {
        const stdout = captureStdout(() => {
          core.setSecret(secret);
          core.info(`${prefix.replace(/[\r\n]/g, " ")} ${secret}`);
        });
        const parsed = parseStdout(stdout);
        expect(parsed.masks).toEqual([secret]);
        expect(parsed.log).not.toContain(secret);
      }),
    );
  });

  it("ignores commands between ::stop-commands:: and the resume token", () => {
    const stdout = [
      "::stop-commands::pause-1234",
      "::error::not an annotation",
      "::pause-1234::",
      "::warning::real",
    ].join("\n");
    const parsed = parseStdout(stdout);
    expect(parsed.annotations).toEqual([{ level: "warning", message: "real" }]);
    expect(parsed.log).toContain("::error::not an annotation");
  });
});

describe("GITHUB_OUTPUT written by @actions/core parses back exactly", () => {
  it("returns every value setOutput wrote, whatever lines it holds", () => {
    const file = join(scratch, "output");
    const previous = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      fc.assert(
        fc.property(
          fc.dictionary(
            fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,20}$/),
            fc.string({ unit: "binary", maxLength: 60 }).map((value) => value.replace(/\r/g, "")),
          ),
          (outputs) => {
            writeFileSync(file, "");
            for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
            expect(parseKeyValueFile(readFileSync(file, "utf8"), "GITHUB_OUTPUT")).toEqual(outputs);
          },
        ),
      );
    } finally {
      process.env.GITHUB_OUTPUT = previous;
    }
  });

  it("reads name=value lines and fails where the runner fails the step", () => {
    expect(parseKeyValueFile("a=1\nb=x=y\n\nc<<EOF\nline\nEOF\n", "GITHUB_ENV")).toEqual({
      a: "1",
      b: "x=y",
      c: "line",
    });
    expect(() => parseKeyValueFile("c<<EOF\nline\n", "GITHUB_OUTPUT")).toThrow(/matching delimiter not found 'EOF'/);
    expect(() => parseKeyValueFile("just text\n", "GITHUB_OUTPUT")).toThrow(/neither name=value nor name<<DELIMITER/);
  });
});
