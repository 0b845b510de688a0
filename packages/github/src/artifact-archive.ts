import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import { UserError } from "@ctrain/core";

/** Record signatures of the ZIP format (APPNOTE.TXT). */
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const END_SEARCH_BYTES = 22 + 0xffff;

export interface ExtractionCaps {
  maxBytes: number;
  maxEntries: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function refuse(archive: string, reason: string): never {
  throw new UserError(`the artifact ${archive} was refused: ${reason}`, {
    hint: "a run bundle holds a few JSON documents and reports; an artifact past this is not one ctrain wrote",
  });
}

function endRecord(zip: Buffer, archive: string): { entries: number; offset: number } {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - END_SEARCH_BYTES); at--) {
    if (zip.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) continue;
    const entries = zip.readUInt16LE(at + 10);
    const offset = zip.readUInt32LE(at + 16);
    if (entries === 0xffff || offset === 0xffffffff) refuse(archive, "it is a ZIP64 archive, far larger than a bundle");
    return { entries, offset };
  }
  return refuse(archive, "it is not a ZIP archive");
}

function centralDirectory(zip: Buffer, archive: string, caps: ExtractionCaps): Entry[] {
  const end = endRecord(zip, archive);
  if (end.entries > caps.maxEntries)
    refuse(archive, `it holds ${end.entries} entries, more than the ${caps.maxEntries} ctrain extracts`);
  const entries: Entry[] = [];
  let at = end.offset;
  for (let index = 0; index < end.entries; index++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_HEADER) refuse(archive, "its directory is damaged");
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    entries.push({
      flags: zip.readUInt16LE(at + 8),
      method: zip.readUInt16LE(at + 10),
      crc: zip.readUInt32LE(at + 16),
      compressedSize: zip.readUInt32LE(at + 20),
      size: zip.readUInt32LE(at + 24),
      localOffset: zip.readUInt32LE(at + 42),
      name: zip.toString("utf8", at + 46, at + 46 + nameLength),
    });
    at += 46 + skip;
  }
  const declared = entries.reduce((sum, entry) => sum + entry.size, 0);
  if (declared > caps.maxBytes)
    refuse(archive, `it would extract to ${declared} bytes, more than the ${caps.maxBytes} ctrain extracts`);
  return entries;
}

/** The entry's path under `dest`, refusing names that climb out of it. */
function confined(dest: string, name: string, archive: string): string {
  const target = resolve(dest, name);
  const inside = relative(dest, target);
  if (!inside || inside.startsWith("..") || isAbsolute(inside) || name.includes("\\"))
    refuse(archive, `its entry ${JSON.stringify(name.slice(0, 200))} points outside the folder`);
  return target;
}

/**
 * Extracts a downloaded artifact (a ZIP) into `dest` under caps on entries and bytes. The directory's declared
 * sizes are checked first, then each entry is inflated with a ceiling and held to its declared size and CRC, so an
 * archive that lies about its contents is refused before it fills the disk.
 */
export function extractArtifactArchive(zipFile: string, dest: string, archive: string, caps: ExtractionCaps): void {
  const zip = readFileSync(zipFile);
  let budget = caps.maxBytes;
  for (const entry of centralDirectory(zip, archive, caps)) {
    const target = confined(dest, entry.name, archive);
    if (entry.name.endsWith("/")) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    if (entry.flags & ENCRYPTED_FLAG) refuse(archive, `its entry ${entry.name} is encrypted`);
    const at = entry.localOffset;
    if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_HEADER) refuse(archive, "an entry's header is damaged");
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    const packed = zip.subarray(start, start + entry.compressedSize);
    let data: Buffer;
    if (entry.method === STORED) data = packed;
    else if (entry.method === DEFLATED) {
      try {
        data = inflateRawSync(packed, { maxOutputLength: Math.max(1, Math.min(budget, entry.size) + 1) });
      } catch (error) {
        if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE")
          refuse(archive, `its entry ${entry.name} inflates past its declared ${entry.size} bytes or the cap`);
        refuse(archive, `its entry ${entry.name} does not inflate (${(error as Error).message})`);
      }
    } else refuse(archive, `its entry ${entry.name} uses compression method ${entry.method}`);
    if (data.length !== entry.size || crc32(data) !== entry.crc)
      refuse(archive, `its entry ${entry.name} does not match its declared size and checksum`);
    budget -= data.length;
    if (budget < 0) refuse(archive, `it extracts to more than the ${caps.maxBytes} bytes ctrain extracts`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data, { flag: "wx" });
  }
}
