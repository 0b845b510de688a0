import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InertWriter, inertLines, inertText } from "@ctrain/core";

/** Lines the runner would execute: `::` after leading whitespace (.NET TrimStart, which includes U+0085), or `##[`. */
const commands = (output: string): string[] =>
  output.split(/\r\n|\r|\n/).filter((line) => /^[\s\u0085]*::/.test(line) || line.includes("##["));

describe("inert text", () => {
  it("escapes as the toolkit encodes command data, and neutralises a leading :: or any ##[", () => {
    expect(inertText("c\n::error::pwned 100%")).toBe("c%0A::error::pwned 100%25");
    expect(inertText("  ::warning::x")).toBe("  %3A:warning::x");
    expect(inertLines("ok\n\u0085::add-mask::y\rfine ##[error]z")).toBe("ok\n\u0085%3A:add-mask::y\rfine ##%5Berror]z");
  });

  it("leaves no command in any output, however the text is split across writes", () => {
    const piece = fc.stringMatching(/^[ :#[\]a\n\r\u0085%]{0,8}$/);
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const written: string[] = [];
        const writer = new InertWriter({ write: (text: string) => written.push(text) });
        for (const text of pieces) writer.write(text);
        expect(commands(written.join(""))).toEqual([]);
        expect(commands(inertText(pieces.join("")))).toEqual([]);
      }),
      { numRuns: 5000 },
    );
  });

  it("keeps ordinary output as it is", () => {
    const written: string[] = [];
    const writer = new InertWriter({ write: (text: string) => written.push(text) });
    for (const text of ["d: 10 rows", " in 0.1s\n", "  key: value::x\n"]) writer.write(text);
    expect(written.join("")).toBe("d: 10 rows in 0.1s\n  key: value::x\n");
  });
});
