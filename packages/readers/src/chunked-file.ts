import type { UserError } from "@ctrain/core";
import type { RecordBatch } from "./batch.js";
import { openByteStream, type ByteRange } from "./byte-stream.js";
import type { ResolvedReadOptions } from "./options.js";
import type { ProgressTracker } from "./progress.js";
import type { DataFile } from "./sources.js";

/** Turns the bytes of one text file, fed piece by piece, into batches. */
export interface ChunkDecoder<Batch extends RecordBatch> {
  /**
   * Decodes the complete records in `bytes` (unconsumed bytes from before, then new data from `newFrom`);
   * returns a batch, or undefined when there is nothing to yield yet. `final`: no bytes follow.
   */
  next(bytes: Buffer, newFrom: number, final: boolean): Batch | undefined;
  /** Where, in the last `bytes`, the bytes not yet decoded start. */
  readonly consumed: number;
  /** The bad input that stopped decoding, thrown once the batch of the records before it has been yielded. */
  readonly failure: UserError | undefined;
  /** The decoder needs no more bytes (it only wanted the header): the read stops early. */
  readonly done?: boolean;
}

/** Disk reads are this large (fewer system calls and stream turns) even when batches are smaller. */
const READ_BYTES = 1024 * 1024;
const EMPTY = Buffer.alloc(0);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Streams a text file (decompressing gzip, dropping a UTF-8 byte order mark) into a decoder `chunkBytes`
 * at a time, carrying each piece's incomplete last record into the next. Small batches keep garbage
 * young and memory flat.
 *
 * Linear whatever the record length: bytes left undecoded (the start of a record not yet complete) are offered
 * again only once the new bytes behind them at least match them in size (or pass the record limit), so a record
 * of n bytes is decoded over at most about 2n bytes in all instead of once per piece.
 *
 * A `range` reads only those bytes of an uncompressed file (a planned piece); a byte order mark is looked for only
 * when the range starts the file.
 */
export async function* readChunkedFile<Batch extends RecordBatch>(
  source: DataFile,
  options: ResolvedReadOptions,
  progress: ProgressTracker,
  decoder: ChunkDecoder<Batch>,
  range?: ByteRange,
): AsyncGenerator<Batch> {
  const stream = await openByteStream(source, Math.max(options.chunkBytes, READ_BYTES), range);
  let pending: Buffer = EMPTY;
  const arrived: Buffer[] = [];
  let arrivedBytes = 0;
  let atFileStart = (range?.start ?? 0) === 0;
  function* decode(bytes: Buffer, final: boolean): Generator<Batch> {
    let newFrom = pending.length;
    if (atFileStart) {
      if (bytes.length < BOM.length && !final) {
        pending = bytes;
        return;
      }
      atFileStart = false;
      newFrom = 0;
      if (BOM.equals(bytes.subarray(0, BOM.length))) bytes = bytes.subarray(BOM.length);
    }
    const batch = decoder.next(bytes, newFrom, final);
    pending = bytes.subarray(decoder.consumed);
    if (batch) {
      progress.advance(source.file, stream.bytesRead(), batch.rows);
      yield batch;
    }
    if (decoder.failure) throw decoder.failure;
  }
  /** The pending bytes and those that arrived after them, as one buffer. */
  function gather(): Buffer {
    const bytes = pending.length === 0 && arrived.length === 1 ? arrived[0]! : Buffer.concat([pending, ...arrived]);
    arrived.length = 0;
    arrivedBytes = 0;
    return bytes;
  }
  for await (const chunk of stream.chunks) {
    for (let offset = 0; offset < chunk.length; offset += options.chunkBytes) {
      const piece = chunk.subarray(offset, offset + options.chunkBytes);
      arrived.push(piece);
      arrivedBytes += piece.length;
      if (arrivedBytes >= Math.min(pending.length, options.maxLineBytes + 1 - pending.length)) {
        yield* decode(gather(), false);
        if (decoder.done) return;
      }
    }
  }
  yield* decode(gather(), true);
  progress.finishFile(range ? range.end - range.start : source.size);
}
