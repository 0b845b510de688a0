import fc from "fast-check";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { compileLinearRegex, regexProblem } from "@ctrain/core";
import { compileAsciiDfa } from "../../packages/core/src/ascii-dfa.js";

/** Patterns from the subset the automaton handles, and some just outside it, over a small alphabet so texts hit them. */
const atom = fc.oneof(
  fc.constantFrom("a", "b", "c", "-", ".", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\.", "\\-", "\\n", "\\t", "@"),
  fc.constantFrom("[ab]", "[^ab]", "[a-c]", "[]a]", "[a-]", "[-a]", "[\\d.]", "[^\\s]", "[[]", "[a\\]]", "[^\\n]"),
  fc.constantFrom("\\b", "(?i)a", "[[:alpha:]]", "\\pL", "é", "a{,2}", "^", "$", "\\z"),
);
const pattern: fc.Arbitrary<string> = fc.letrec<{ expr: string; term: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("term"),
    fc.tuple(tie("term"), tie("expr")).map(([a, b]) => a + b),
    fc.tuple(tie("term"), tie("expr")).map(([a, b]) => `${a}|${b}`),
  ),
  term: fc.oneof(
    atom,
    fc.tuple(tie("expr"), fc.constantFrom("(", "(?:")).map(([inner, open]) => `${open}${inner})`),
    fc
      .tuple(atom, fc.constantFrom("*", "+", "?", "*?", "+?", "{2}", "{1,3}", "{0,2}", "{2,}", "{0}", "{0,1}?"))
      .map(([a, q]) => a + q),
  ),
})).expr;
const anchored = fc
  .tuple(fc.boolean(), pattern, fc.boolean())
  .map(([start, body, end]) => `${start ? "^" : ""}${body}${end ? "$" : ""}`);
const text = fc.oneof(
  fc.stringMatching(/^[abc.@\-\n\t 0-9xé]{0,12}$/),
  fc.string({ maxLength: 8 }),
  fc.constantFrom("", "a", "abc", "a-b", "a\nb", "ab@c.d"),
);

describe("regex checks", () => {
  it("answer as RE2 does, on every pattern and text, whether the automaton or re2js runs them", () => {
    fc.assert(
      fc.property(anchored, fc.array(text, { minLength: 1, maxLength: 8 }), (source, texts) => {
        if (regexProblem(source) !== undefined) return;
        const reference = RE2JS.compile(source);
        const regex = compileLinearRegex(source);
        for (const sample of texts) {
          const expected = reference.test(sample);
          expect(regex.test(sample), `${source} on ${JSON.stringify(sample)}`).toBe(expected);
          // A CSV cell of ASCII text, read where it lies in its batch's bytes.
          if (![...sample].every((char) => char.charCodeAt(0) < 0x80)) continue;
          const bytes = Buffer.from(`x,${sample},y`, "latin1");
          expect(regex.testAscii(bytes, 2, 2 + sample.length), `${source} on bytes ${JSON.stringify(sample)}`).toBe(
            expected,
          );
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("run the common patterns in the automaton, and leave the rest to re2js", () => {
    for (const supported of ["^[a-z0-9.]+@[a-z]+\\.[a-z]+$", "^\\d{3}-\\d{4}$", "(foo|bar)baz", "^$", "x{0}", "[]a]"])
      expect(compileAsciiDfa(supported), supported).toBeDefined();
    for (const left of ["(?i)abc", "\\bword\\b", "a^b", "[[:alpha:]]", "\\pL", "é", "(?P<n>a)", "a{1001}"])
      expect(compileAsciiDfa(left), left).toBeUndefined();
    // Non-ASCII text goes to re2js: the automaton answers undefined.
    expect(compileAsciiDfa("^.$")!.test("é")).toBeUndefined();
  });

  it("stays linear on the patterns that make backtracking engines hang", () => {
    const regex = compileLinearRegex("^(a+)+$");
    const hostile = `${"a".repeat(100_000)}!`;
    expect(compileAsciiDfa("^(a+)+$")!.test(hostile)).toBe(false);
    expect(regex.test(hostile)).toBe(false);
  });
});
