import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogTail } from "@ctrain/train";

/**
 * The lines a terminal ends up showing: lines end at LF or CRLF, a lone CR restarts the line, and a last line
 * without a line break counts when it shows something (a CR at its very end just parks the cursor).
 */
function expectedLines(text: string): string[] {
  const shown = (line: string): string => line.split("\r").at(-1)!;
  const pieces = text.split(/\r\n|\n/);
  const last = pieces.pop()!;
  const lines = pieces.map(shown);
  const lastShown = shown(last.endsWith("\r") ? last.slice(0, -1) : last);
  if (lastShown !== "") lines.push(lastShown);
  return lines;
}

function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe("LogTail", () => {
  it("keeps the last N lines whatever the chunking (CRLF and UTF-8 split across chunks included)", () => {
    fc.assert(
      fc.property(
        fc
          .array(fc.constantFrom("a", "é", "€", "🙂", "\n", "\r", "\r\n", " "), { maxLength: 80 })
          .map((parts) => parts.join("")),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 0, max: 6 }),
        (text, cuts, capacity) => {
          const tail = new LogTail(capacity);
          for (const chunk of split(Buffer.from(text), cuts)) tail.push(chunk);
          tail.end();
          const all = expectedLines(text);
          expect(tail.totalLines).toBe(all.length);
          expect(tail.toArray()).toEqual(capacity === 0 ? [] : all.slice(-capacity));
        },
      ),
    );
  });

  it("drops colour codes and bounds a line that never ends", () => {
    const tail = new LogTail(3, 20);
    tail.push(Buffer.from("\u001b[31mred\u001b[0m\n"));
    for (let i = 0; i < 1000; i++) tail.push(Buffer.from("x".repeat(1000)));
    tail.push(Buffer.from("\nprogress 10%\rprogress 100%\n"));
    tail.end();
    expect(tail.toArray()).toEqual(["red", "x".repeat(20), "progress 100%"]);
  });
});
