import { isUtf8 } from "node:buffer";

/**
 * Checks UTF-8 chunk by chunk; a character split across two chunks is checked once the rest arrives.
 * Readers keep unconsumed bytes in front of the next chunk, so the split bytes are always still there.
 */
export class Utf8Checker {
  /** Bytes at the end of the last checked buffer that start a character not yet complete. */
  private pending = 0;

  /**
   * Checks `bytes` from `newFrom` (where new data starts) minus the pending bytes.
   * Returns the offset of the first invalid byte, or -1 when all is valid so far.
   */
  check(bytes: Uint8Array, newFrom: number, final: boolean): number {
    const from = newFrom - this.pending;
    const end = final ? bytes.length : lastCharacterBoundary(bytes, from);
    this.pending = bytes.length - end;
    if (isUtf8(bytes.subarray(from, end))) return -1;
    return firstInvalidUtf8(bytes, from, end);
  }
}

/** The offset after the last complete character, if the buffer ends inside one (looks back at most 3 bytes). */
function lastCharacterBoundary(bytes: Uint8Array, from: number): number {
  const end = bytes.length;
  for (let i = end - 1; i >= Math.max(from, end - 3); i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) return end;
    if (byte >= 0xc0) return end - i < sequenceLength(byte) ? i : end;
  }
  return end;
}

function sequenceLength(lead: number): number {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  return 2;
}

/**
 * Offset of the first byte that breaks UTF-8 in bytes[from, end), or `end` if the text ends inside a character.
 * Runs only after the native check failed, to say where.
 */
function firstInvalidUtf8(bytes: Uint8Array, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // Second-byte ranges exclude overlong forms and surrogates (RFC 3629, table 3-7 of the Unicode standard).
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return i;
    if (i + length > end) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let j = 2; j < length; j++) {
      const next = bytes[i + j]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return end;
}
