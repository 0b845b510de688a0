import { UserError } from "@ctrain/core";
import type { ResolvedReadOptions } from "./options.js";
import { Utf8Checker } from "./utf8.js";

/** The first byte of a text file that makes it unreadable from there on, and why. */
export interface TextFault {
  /** Offset in the buffer passed to `find`: the records wholly before it are still good. */
  offset: number;
  error: UserError;
}

/**
 * Finds the first byte that text input may not hold: invalid UTF-8 (unless `encodingErrors: "replace"`) and NUL
 * (unless `nulBytes: "keep"`; a NUL in a text file is usually a binary or UTF-16 file read as text, and a NUL kept
 * in a string breaks tools downstream).
 */
export class TextFaultFinder {
  private readonly utf8: Utf8Checker | undefined;

  constructor(
    private readonly file: string,
    private readonly options: Pick<ResolvedReadOptions, "encodingErrors" | "nulBytes">,
    private readonly utf8Hint: string,
  ) {
    this.utf8 = options.encodingErrors === "error" ? new Utf8Checker() : undefined;
  }

  /** Checks the new bytes of `bytes` (from `newFrom`); `lineAt` gives the 1-based line of an offset. */
  find(bytes: Buffer, newFrom: number, final: boolean, lineAt: (offset: number) => number): TextFault | undefined {
    const invalid = this.utf8?.check(bytes, newFrom, final) ?? -1;
    const nul = this.options.nulBytes === "keep" ? -1 : bytes.indexOf(0, newFrom);
    if (nul >= 0 && (invalid < 0 || nul < invalid)) {
      return {
        offset: nul,
        error: new UserError("the file holds a NUL byte (0x00), which text data does not", {
          location: `${this.file}:${lineAt(nul)}`,
          hint: "a NUL usually means a binary or UTF-16 file read as text: save it as UTF-8; if NUL bytes are part of your values, set nul-bytes: keep on the dataset",
        }),
      };
    }
    if (invalid < 0) return undefined;
    return {
      offset: invalid,
      error: new UserError(
        `the file is not valid UTF-8: byte 0x${bytes[invalid]!.toString(16).padStart(2, "0")} cannot appear here`,
        { location: `${this.file}:${lineAt(invalid)}`, hint: this.utf8Hint },
      ),
    };
  }
}
