import { hashAsciiBytes, hashString } from "../profile/hash.js";

/** Label texts remembered by their bytes; a label column with more distinct texts is looked up as strings past them. */
const MAX_REMEMBERED = 256;
/** Up to this many texts, a cell is compared with each in turn. */
const SCANNED_TEXTS = 8;
/** Hashes are cut to 30 bits, which V8 keeps as small integers: a Map keyed by them hashes no heap number. */
const SMALL_INTEGER = 0x3fffffff;

/**
 * The classes of plain ASCII label cells, found by their bytes where they lie in the input: a label column's strings
 * are never made, and a Map keyed by a fresh string per row hashed every one (V8's string hashing showed in perf). A
 * hash found is checked byte for byte against the text it was remembered for, so a collision only misses.
 */
export class LabelTexts {
  private readonly byHash = new Map<number, number>();
  private readonly texts: string[] = [];
  private readonly classes: string[] = [];

  /** The class remembered for the label text in bytes[start, end), or undefined. */
  find(bytes: Uint8Array, start: number, end: number): string | undefined {
    const { texts } = this;
    // A few texts (the usual label) are compared directly: cheaper than hashing the cell.
    if (texts.length <= SCANNED_TEXTS) {
      for (let index = 0; index < texts.length; index++) {
        if (equalsAscii(texts[index]!, bytes, start, end)) return this.classes[index];
      }
      return undefined;
    }
    const index = this.byHash.get(hashAsciiBytes(bytes, start, end) & SMALL_INTEGER);
    return index !== undefined && equalsAscii(texts[index]!, bytes, start, end) ? this.classes[index] : undefined;
  }

  /**
   * Remembers the class of an ASCII label text (the first of its hash, up to `MAX_REMEMBERED` texts); `hashString` of
   * ASCII text equals `hashAsciiBytes` of its bytes.
   */
  remember(text: string, labelClass: string): void {
    if (this.texts.length >= MAX_REMEMBERED) return;
    const hash = hashString(text) & SMALL_INTEGER;
    if (this.byHash.has(hash)) return;
    this.byHash.set(hash, this.texts.length);
    this.texts.push(text);
    this.classes.push(labelClass);
  }
}

function equalsAscii(text: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (text.length !== end - start) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}
