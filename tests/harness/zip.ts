/**
 * Writes a ZIP archive: stored entries by default (what a seeded workflow artifact needs to be a real zip), deflated
 * ones on request, and entries that lie about their size, for tests of what a hostile archive does to an extractor.
 * Hand-written because no zip writer is among the direct dependencies and these take a few lines.
 */
import { crc32, deflateRawSync } from "node:zlib";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const UTF8_NAMES = 0x0800;

/** An entry written with more control than its bytes: deflated, and with a size other than the real one. */
export interface ZipEntry {
  data: string | Uint8Array;
  deflate?: boolean;
  /** The uncompressed size the headers claim (the real one when absent). */
  declaredSize?: number;
}

const DEFLATED = 8;

export function createZip(files: Record<string, string | Uint8Array | ZipEntry>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, entry] of Object.entries(files)) {
    const spec: ZipEntry = typeof entry === "string" || entry instanceof Uint8Array ? { data: entry } : entry;
    const nameBytes = Buffer.from(name, "utf8");
    const raw = typeof spec.data === "string" ? Buffer.from(spec.data, "utf8") : Buffer.from(spec.data);
    const content = spec.deflate ? deflateRawSync(raw) : raw;
    const method = spec.deflate ? DEFLATED : 0;
    const size = spec.declaredSize ?? raw.length;
    const checksum = crc32(raw);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4); // version needed to extract
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(content.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, content);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(content.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);

    offset += local.length + nameBytes.length + content.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
