import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { htmlDataText, htmlText, markdownText, singleLine } from "@ctrain/report";
import { LIVE_REFERENCE, nodesOf, parseGfm, renderedText, visibleText } from "./support/gfm.js";

const HOSTILE = [
  "<img src=x>",
  "<img src=x onerror=alert(1)>",
  "@org/team",
  "](javascript:alert(1))",
  "[x](javascript:alert(1))",
  "![i](https://evil.example/i.png)",
  "a|b",
  "`code`",
  "```",
  "line1\nline2",
  "\r\n| injected | row |",
  "<!-- ctrain:report:ctrain -->",
  "https://evil.example",
  "www.evil.example",
  "user@evil.example",
  "#1 GH-2",
  "&#64;org &commat;team",
  "$x^2$",
  "[^1]",
  "~~strike~~ **bold** _em_",
  "\u202Eevil\u202C",
];
// Characters that mean something to markdown, HTML or GitHub's reference filters, to be mixed densely.
const MARKUP = [..."<>&|[]()!*_~`\\#@:/.-=+{}^$\"' \n\r\tawgh1"];

const dataString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 60 }),
  fc.string({ unit: fc.constantFrom(...MARKUP), maxLength: 60 }),
  fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(" ")),
);

/** The text a browser shows for escaped HTML, as GitHub's filters see it. */
const decodeEntities = (html: string): string =>
  html
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** What the reader should see: the folded line, without zero-width spaces (added or given). */
const expectedText = (value: string): string => singleLine(value).replace(/\u200B/g, "");

describe("markdownText", () => {
  it("renders as plain text that reads exactly as the data, in a paragraph", () => {
    fc.assert(
      fc.property(dataString, (value) => {
        const tree = parseGfm(`Value: ${markdownText(value)}`);
        expect(tree.children).toHaveLength(1);
        const paragraph = tree.children[0]!;
        expect(paragraph.type).toBe("paragraph");
        expect(nodesOf(paragraph, "text")).toHaveLength(1);
        expect(visibleText(paragraph)).toBe(`Value: ${expectedText(value)}`.trim());
        expect(renderedText(paragraph)).not.toMatch(LIVE_REFERENCE);
      }),
      { numRuns: 2000 },
    );
  });

  it("stays inside its table cell", () => {
    fc.assert(
      fc.property(dataString, dataString, (first, second) => {
        const cell = (value: string): string => markdownText(value) || " ";
        const tree = parseGfm(`| a | b |\n| --- | --- |\n| ${cell(first)} | ${cell(second)} |\n| end | end |`);
        expect(tree.children).toHaveLength(1);
        const [table] = nodesOf(tree, "table");
        expect(table!.children).toHaveLength(3);
        for (const row of table!.children) expect(row.children).toHaveLength(2);
        expect(table!.children[1]!.children.map(visibleText)).toEqual([expectedText(first), expectedText(second)]);
        for (const node of nodesOf(table!, "tableCell")) {
          expect(node.children.every((child) => child.type === "text")).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the hostile names inert one by one", () => {
    for (const value of HOSTILE) {
      const tree = parseGfm(`- ${markdownText(value)}`);
      expect(nodesOf(tree, "link")).toEqual([]);
      expect(nodesOf(tree, "image")).toEqual([]);
      expect(nodesOf(tree, "html")).toEqual([]);
      expect(nodesOf(tree, "inlineCode")).toEqual([]);
      expect(visibleText(tree)).toBe(expectedText(value));
    }
  });

  it("cuts long data with an ellipsis and never splits a character", () => {
    const long = "😀".repeat(300);
    const cut = singleLine(long);
    expect([...cut]).toHaveLength(200);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut.slice(0, -1)).toBe("😀".repeat(199));
  });
});

describe("htmlText", () => {
  it("leaves no markup characters and round-trips through an HTML parser's entities", () => {
    fc.assert(
      fc.property(dataString, (value) => {
        const escaped = htmlText(value);
        expect(escaped).not.toMatch(/[<>"']/);
        expect(escaped.replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
        expect(decodeEntities(escaped)).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("defuses mentions and autolinks in data placed in HTML", () => {
    fc.assert(
      fc.property(dataString, (value) => {
        expect(decodeEntities(htmlDataText(value))).not.toMatch(LIVE_REFERENCE);
      }),
      { numRuns: 1000 },
    );
  });
});
