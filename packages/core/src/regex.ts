import { RE2JS, RE2JSException } from "re2js";
import { compileAsciiDfa } from "./ascii-dfa.js";

/**
 * Regular expressions from config run in RE2 (through re2js, pure JavaScript): matching takes time linear in the
 * text, so no pattern can hang a check on a hostile cell (`^(a+)+$` against `aaaa…a!` backtracks for ever in
 * JavaScript's engine). RE2 has no lookaround or backreferences; the rest of the usual syntax is the same.
 */
export interface LinearRegex {
  /** True when the pattern matches anywhere in `text` (as Python's `re.search`); anchor with ^ and $. */
  test(text: string): boolean;
  /** `test` of the ASCII text in bytes[start, end) (a CSV cell as it lies in the input), without making a string. */
  testAscii(bytes: Uint8Array, start: number, end: number): boolean;
}

/** What is wrong with `pattern` as an RE2 regular expression, or undefined when it compiles. */
export function regexProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof RE2JSException) return error.message;
    throw error;
  }
}

/** Compiles a pattern that `regexProblem` accepts. */
export function compileLinearRegex(pattern: string): LinearRegex {
  const compiled = RE2JS.compile(pattern);
  const dfa = compileAsciiDfa(pattern);
  const latin1 = (bytes: Uint8Array, start: number, end: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1", start, end);
  if (!dfa) return { test: (text) => compiled.test(text), testAscii: (...at) => compiled.test(latin1(...at)) };
  return {
    test: (text) => dfa.test(text) ?? compiled.test(text),
    testAscii: (...at) => dfa.testBytes(...at) ?? compiled.test(latin1(...at)),
  };
}

/** The advice that goes with a pattern RE2 refuses. */
export const REGEX_SYNTAX_HINT =
  "regex checks use RE2 syntax, which matches in linear time: no lookaround (?=…) or backreferences \\1; escape special characters with a backslash";
