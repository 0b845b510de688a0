import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { UserError } from "../errors.js";
import { formatBytes } from "../format.js";

/**
 * Reads a text file a user wrote (config, params, metrics) whole: a regular file no larger than `maxBytes`, in
 * UTF-8. The file is opened without blocking and checked through its descriptor, so a FIFO cannot stall the read
 * and a path swapped between the check and the read is still the file checked. `label` names it in errors.
 */
export function readTextFile(path: string, options: { label: string; what: string; maxBytes: number }): string {
  const { label, what, maxBytes } = options;
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read the ${what}: ${code === "ENOENT" ? "no such file" : (code ?? String(error))}`, {
      location: label,
      hint: "check the path (relative paths start at the working directory)",
      cause: error,
    });
  }
  try {
    const info = fstatSync(descriptor);
    if (!info.isFile()) {
      throw new UserError(`the ${what} is ${describeFileKind(info)}, not a regular file`, {
        location: label,
        hint: `point it at a ${what} on disk`,
      });
    }
    if (info.size > maxBytes) throw tooLarge(what, info.size, maxBytes, label);
    const bytes = readAtMost(descriptor, maxBytes + 1);
    if (bytes.length > maxBytes) throw tooLarge(what, bytes.length, maxBytes, label);
    return decodeUtf8(bytes, label);
  } finally {
    closeSync(descriptor);
  }
}

function readAtMost(descriptor: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const chunk = Buffer.allocUnsafe(Math.min(limit - total, 1024 ** 2));
    const read = readSync(descriptor, chunk, 0, chunk.length, null);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    total += read;
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(what: string, bytes: number, maxBytes: number, label: string): UserError {
  return new UserError(`the ${what} is ${formatBytes(bytes)}, more than the ${formatBytes(maxBytes)} allowed`, {
    location: label,
    hint: `a ${what} is a small text file; check that the path names the right one`,
  });
}

export function describeFileKind(info: Stats): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * UTF-8 text, or a UserError at the first byte that is not UTF-8 (`file:line:col`); a UTF-16 or UTF-32 file is
 * named as such, since its message would otherwise be about NUL characters. A UTF-8 byte order mark is dropped.
 */
export function decodeUtf8(bytes: Uint8Array, label: string): string {
  const wide = wideEncoding(bytes);
  if (wide) {
    throw new UserError(`the file is ${wide}; ctrain reads UTF-8`, {
      location: label,
      hint: `save it as UTF-8 (for example \`iconv -f ${wide.split(" ")[0]} -t UTF-8\`, or the editor's "save with encoding")`,
    });
  }
  const start = UTF8_BOM.every((byte, index) => bytes[index] === byte) ? UTF8_BOM.length : 0;
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start);
  if (isUtf8(body)) return body.toString("utf8");
  const offset = firstInvalidUtf8(body);
  const { line, col } = bytePosition(body, offset);
  throw new UserError(`byte 0x${body[offset]!.toString(16).padStart(2, "0").toUpperCase()} is not UTF-8`, {
    location: `${label}:${line}:${col}`,
    hint: "save the file as UTF-8 (the byte looks like Latin-1 or Windows-1252 text)",
  });
}

function wideEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? "UTF-32LE encoded" : "UTF-16LE encoded";
  if (a === 0xfe && b === 0xff) return "UTF-16BE encoded";
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return "UTF-32BE encoded";
  // Without a byte order mark, ASCII text in UTF-16 has a NUL beside every character.
  if (bytes.length >= 4 && a !== 0 && b === 0 && c !== 0 && d === 0) return "UTF-16LE encoded (no byte order mark)";
  if (bytes.length >= 4 && a === 0 && b !== 0 && c === 0 && d !== 0) return "UTF-16BE encoded (no byte order mark)";
  return undefined;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : 4;
    if (byte >= 0xf5 || (byte >= 0x80 && byte < 0xc2)) return index;
    for (let next = 1; next < length; next++) {
      const continuation = bytes[index + next];
      if (continuation === undefined || (continuation & 0xc0) !== 0x80) return index;
    }
    const second = bytes[index + 1] ?? 0;
    if ((byte === 0xe0 && second < 0xa0) || (byte === 0xed && second > 0x9f)) return index; // overlong, surrogate
    if ((byte === 0xf0 && second < 0x90) || (byte === 0xf4 && second > 0x8f)) return index; // overlong, > U+10FFFF
    index += length;
  }
  return bytes.length;
}

/** 1-based line and column (in characters) of a byte offset in UTF-8 text. */
function bytePosition(bytes: Uint8Array, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index++) {
    if (bytes[index] === 0x0a) {
      line++;
      lineStart = index + 1;
    }
  }
  const col = Buffer.from(bytes.buffer, bytes.byteOffset + lineStart, offset - lineStart).toString("utf8").length + 1;
  return { line, col };
}

/** 1-based line and column of a character offset in text. */
export function textPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf("\n"); index !== -1 && index < offset; index = text.indexOf("\n", index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, col: offset - lineStart + 1 };
}
