const LF = 0x0a;
const CR = 0x0d;

/**
 * Line breaks in bytes[from, to): LF and CRLF count once; a lone CR counts too when `loneCarriageReturn`
 * (CSV ends records there, as editors end lines; JSON Lines splits at LF only).
 */
export function countLineBreaks(bytes: Uint8Array, from: number, to: number, loneCarriageReturn: boolean): number {
  let count = 0;
  for (let i = from; i < to; i++) {
    const byte = bytes[i];
    if (byte === LF) count++;
    else if (loneCarriageReturn && byte === CR && bytes[i + 1] !== LF) count++;
  }
  return count;
}
