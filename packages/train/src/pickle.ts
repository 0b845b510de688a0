import { open } from "node:fs/promises";
import { extname } from "node:path";

/**
 * Formats whose loading runs Python's pickle, so loading an untrusted one runs its code: pickle and joblib
 * files, and PyTorch checkpoints (`torch.load` unpickles unless called with `weights_only=True`).
 */
export const PICKLE_EXTENSIONS: ReadonlySet<string> = new Set([
  ".pkl",
  ".pickle",
  ".joblib",
  ".dill",
  ".sav",
  ".pt",
  ".pth",
  ".ckpt",
]);

/** Protocol 2-5 pickles start with the PROTO opcode (0x80) and the protocol number. */
export function startsLikePickle(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x80 && head[1]! >= 2 && head[1]! <= 5;
}

const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

export function startsLikeZip(head: Uint8Array): boolean {
  return ZIP_LOCAL_HEADER.every((byte, index) => head[index] === byte);
}

/**
 * A file whose loading may run code: by extension, by pickle's opcode at the start, or a zip archive holding a
 * `.pkl` entry (PyTorch's format since 1.6, also behind many `pytorch_model.bin` files).
 */
export async function isPickleFile(path: string, head: Uint8Array): Promise<boolean> {
  if (PICKLE_EXTENSIONS.has(extname(path).toLowerCase())) return true;
  if (startsLikePickle(head)) return true;
  return startsLikeZip(head) && (await zipEntryNames(path)).some((name) => name.endsWith(".pkl"));
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50;
const EOCD_MIN_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
/** Enough for ~250,000 entries; a larger central directory is not a model checkpoint worth reading through. */
const MAX_CENTRAL_DIRECTORY_BYTES = 16 * 1024 * 1024;

/** Entry names from a zip's central directory (zip64 included); an unreadable archive yields none. */
export async function zipEntryNames(path: string): Promise<string[]> {
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    const tailLength = Math.min(size, EOCD_MIN_BYTES + MAX_COMMENT_BYTES);
    const tail = await readAt(handle, size - tailLength, tailLength);
    let eocd = -1;
    for (let at = tail.length - EOCD_MIN_BYTES; at >= 0; at--) {
      if (tail.readUInt32LE(at) === EOCD_SIGNATURE) {
        eocd = at;
        break;
      }
    }
    if (eocd < 0) return [];
    let entries = tail.readUInt16LE(eocd + 10);
    let directorySize = tail.readUInt32LE(eocd + 12);
    let directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directoryOffset === 0xffffffff || entries === 0xffff) {
      const locator = eocd - 20;
      if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) return [];
      const record = await readAt(handle, Number(tail.readBigUInt64LE(locator + 8)), 56);
      if (record.length < 56 || record.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE) return [];
      entries = Number(record.readBigUInt64LE(32));
      directorySize = Number(record.readBigUInt64LE(40));
      directoryOffset = Number(record.readBigUInt64LE(48));
    }
    if (directorySize > MAX_CENTRAL_DIRECTORY_BYTES || directoryOffset + directorySize > size) return [];
    const directory = await readAt(handle, directoryOffset, directorySize);
    const names: string[] = [];
    let at = 0;
    for (let index = 0; index < entries && at + 46 <= directory.length; index++) {
      if (directory.readUInt32LE(at) !== CENTRAL_ENTRY_SIGNATURE) break;
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      names.push(directory.toString("utf8", at + 46, at + 46 + nameLength));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  } finally {
    await handle.close();
  }
}

async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}
