/** Compact JSON spellings of sketch state: float64 arrays and bytes as base64 (little-endian floats). */

export function encodeFloat64(values: Float64Array): string {
  const bytes = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i]!, i * 8);
  return bytes.toString("base64");
}

/** Decodes `encodeFloat64`; undefined when the text is not base64 of whole float64s. */
export function decodeFloat64(text: string): Float64Array | undefined {
  const bytes = decodeBase64(text);
  if (bytes === undefined || bytes.length % 8 !== 0) return undefined;
  const values = new Float64Array(bytes.length / 8);
  for (let i = 0; i < values.length; i++) values[i] = bytes.readDoubleLE(i * 8);
  return values;
}

export function encodeBytes(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** Strict base64: Buffer.from silently skips characters outside the alphabet, so the text is checked first. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  return Buffer.from(text, "base64");
}
