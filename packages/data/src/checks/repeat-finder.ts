import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PARTIAL_UNEXPECTED_COUNT } from "./results.js";

/**
 * What `RepeatFinder.add` knows at once about a key: new (as far as memory tells: a spilled key is settled in
 * `finish`), a repeat (seen before with the same tag), or a conflict (seen before with another tag: same features,
 * other label).
 */
export const Seen = { New: 0, Repeat: 1, Conflict: 2 } as const;
export type Seen = (typeof Seen)[keyof typeof Seen];

/** A repeat among spilled keys: its kind, where it is, and where its key first appeared. */
export type RepeatFound = (kind: Seen, file: number, line: number, firstFile: number, firstLine: number) => void;

/**
 * Where a finder's settled repeats go. Settled on this thread, `found` hears of every one in turn. Settled on another
 * thread, it hears of the first `KEPT_REPEATS` and the first `KEPT_REPEATS` conflicts, in turn, and `more` counts
 * the others of each kind. That is all a sink needs when it counts every repeat or conflicts only, and keeps examples
 * of at most that many: a sink that kept examples of same-tag repeats only would need their first ones kept too.
 */
export interface RepeatSink {
  found: RepeatFound;
  more(kind: Seen, count: number): void;
}

/** Repeats settled on another thread that reach their sink one by one: as many as a check shows examples of. */
const KEPT_REPEATS = PARTIAL_UNEXPECTED_COUNT;

/** Partitions [from, to) of a finder's spilled keys, by path: plain data, so another thread can settle them. */
export interface SpillShare {
  dir: string;
  /** Keys in each partition. */
  counts: readonly number[];
  from: number;
  to: number;
}

/**
 * What settling a share found: its first `KEPT_REPEATS` repeats of any kind and then its first `KEPT_REPEATS`
 * conflicts, in the order found (kind, file, line, first file, first line each), and how many of each kind in all.
 */
export interface SettledShare {
  kept: number[];
  repeats: number;
  conflicts: number;
}

/**
 * Default memory for the in-memory table: 8 MiB hold 196,608 distinct keys. A validation runs up to four finders
 * (key, unique columns, duplicate rows, conflicting labels), and past this bound spilling costs little: on the validate
 * benchmark's 1 GB (6.2 M rows, three finders spilling), 8 MiB took 24 MB less peak RSS than 12 MiB and no more time.
 */
export const REPEAT_TABLE_BYTES = 8 * 1024 * 1024;
const MAX_LOAD = 0.75;
const RECORD_WORDS = 5; // hi, lo, tag, file, line
const PARTITION_BITS = 6;
export const PARTITIONS = 1 << PARTITION_BITS;
/** Spilled keys wait in a buffer of 16 KiB per partition (1 MiB per finder) before they are written. */
const RECORDS_PER_BUFFER = 819;
/** Settling reads a partition back 320 KiB at a time. */
const SETTLE_READ_RECORDS = 16_384;

/** Slots for `keys` keys at most `MAX_LOAD` full: a power of two. */
const tableCapacity = (keys: number): number => 2 ** Math.ceil(Math.log2(keys / MAX_LOAD + 1));

/**
 * Finds repeated keys (64-bit hashes of rows or key columns, each with a 32-bit tag) in one pass over data of any
 * size. Exact up to hash collisions: two distinct keys collide with odds about n^2 / 2^65 (n = 20 million rows:
 * 1 in 90,000). Memory stays bounded: keys go into an open-addressing table of at most `memoryBytes`, which tells
 * repeats at once. Once it is full, its keys and every later key are written to temporary files (20 bytes each) split
 * into 64 partitions by hash, and `finish` searches each partition on its own, in about (keys / 64) x 27 bytes:
 * sequential writes and a small table per partition cost less than probing a large table at random for every key.
 */
export class RepeatFinder {
  private slots: Uint32Array;
  private mask: number;
  private used = 0;
  private readonly maxSlots: number;
  private spill?: Spill;

  constructor(private readonly options: { memoryBytes?: number; tempDir?: string } = {}) {
    const memory = options.memoryBytes ?? REPEAT_TABLE_BYTES;
    this.maxSlots = 2 ** Math.max(4, Math.floor(Math.log2(memory / (RECORD_WORDS * 4))));
    const initial = Math.min(this.maxSlots, 1 << 14);
    this.slots = new Uint32Array(initial * RECORD_WORDS);
    this.mask = initial - 1;
  }

  /** True once keys no longer fit in memory and repeats are only found by `finish`. */
  get spilled(): boolean {
    return this.spill !== undefined;
  }

  /** Records a key; `file` and `line` say where, for repeats found later among spilled keys. */
  add(hi: number, lo: number, tag: number, file: number, line: number): Seen {
    if (this.spill) {
      this.spill.write(hi, lo, tag, file, line);
      return Seen.New;
    }
    const slots = this.slots;
    const mask = this.mask;
    for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
      const at = slot * RECORD_WORDS;
      const slotLo = slots[at + 1]!;
      if (slotLo === 0) {
        slots[at] = hi;
        slots[at + 1] = lo;
        slots[at + 2] = tag;
        slots[at + 3] = file;
        slots[at + 4] = line;
        if (++this.used > (mask + 1) * MAX_LOAD) {
          if (mask + 1 < this.maxSlots) this.grow();
          else this.spillTable();
        }
        return Seen.New;
      }
      if (slotLo === lo && slots[at] === hi) return slots[at + 2] === tag ? Seen.Repeat : Seen.Conflict;
    }
  }

  /**
   * Settles the spilled keys: calls `found` for each repeat or conflict among them with where it is and where the key
   * first appeared. Frees memory and removes the temporary files.
   */
  finish(found: RepeatFound): void {
    const spill = this.takeSpill();
    if (!spill) return;
    try {
      settleShare(spill.share(0, PARTITIONS), found);
    } finally {
      spill.remove();
    }
  }

  /**
   * Frees the table and hands the spilled keys, if any, to the caller, who settles them (`settleShare`, here or on
   * other threads) and removes them; `finish` then finds nothing more. Should writing the last buffered keys fail, the
   * finder keeps them, for `dispose` to remove.
   */
  takeSpill(): Spill | undefined {
    const spill = this.spill;
    spill?.flushAll();
    this.slots = new Uint32Array(0);
    this.spill = undefined;
    return spill;
  }

  /** Removes temporary files without settling (the read failed). */
  dispose(): void {
    this.spill?.remove();
    this.spill = undefined;
  }

  private grow(): void {
    const old = this.slots;
    const capacity = (this.mask + 1) * 2;
    const slots = new Uint32Array(capacity * RECORD_WORDS);
    const mask = capacity - 1;
    // Word by word: a subarray per key made growing cost more than all the adds before it (measured with --cpu-prof).
    for (let at = 0; at < old.length; at += RECORD_WORDS) {
      const lo = old[at + 1]!;
      if (lo === 0) continue;
      let slot = lo & mask;
      while (slots[slot * RECORD_WORDS + 1] !== 0) slot = (slot + 1) & mask;
      const to = slot * RECORD_WORDS;
      slots[to] = old[at]!;
      slots[to + 1] = lo;
      slots[to + 2] = old[at + 2]!;
      slots[to + 3] = old[at + 3]!;
      slots[to + 4] = old[at + 4]!;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** Moves the full table to the partitions: each key there is the first of its kind, so it goes before later keys. */
  private spillTable(): void {
    const spill = new Spill(this.options.tempDir);
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += RECORD_WORDS) {
      if (slots[at + 1] !== 0) spill.write(slots[at]!, slots[at + 1]!, slots[at + 2]!, slots[at + 3]!, slots[at + 4]!);
    }
    this.spill = spill;
    this.slots = new Uint32Array(0);
  }
}

/** Keys past the memory bound, partitioned by their top hash bits into temporary files. */
export class Spill {
  private readonly dir: string;
  private readonly fds: number[] = [];
  private readonly buffers: Uint32Array[] = [];
  private readonly fill = new Uint32Array(PARTITIONS);
  private readonly keys = new Float64Array(PARTITIONS);

  constructor(tempDir = tmpdir()) {
    this.dir = mkdtempSync(join(tempDir, "ctrain-repeats-"));
    for (let p = 0; p < PARTITIONS; p++) {
      this.fds.push(openSync(join(this.dir, `${p}.bin`), "w+"));
      this.buffers.push(new Uint32Array(RECORDS_PER_BUFFER * RECORD_WORDS));
    }
  }

  write(hi: number, lo: number, tag: number, file: number, line: number): void {
    const p = hi >>> (32 - PARTITION_BITS);
    const buffer = this.buffers[p]!;
    let at = this.fill[p]! * RECORD_WORDS;
    buffer[at++] = hi;
    buffer[at++] = lo;
    buffer[at++] = tag;
    buffer[at++] = file;
    buffer[at] = line;
    this.keys[p]!++;
    if (++this.fill[p]! === RECORDS_PER_BUFFER) this.flush(p);
  }

  /** How many keys each partition holds. */
  get counts(): number[] {
    return Array.from(this.keys);
  }

  /** Partitions [from, to), to settle once `flushAll` ran. */
  share(from: number, to: number): SpillShare {
    return { dir: this.dir, counts: this.counts, from, to };
  }

  /** Writes every buffered key, so the partition files hold them all. */
  flushAll(): void {
    for (let p = 0; p < PARTITIONS; p++) this.flush(p);
  }

  remove(): void {
    for (const fd of this.fds.splice(0)) closeSync(fd);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private flush(p: number): void {
    const records = this.fill[p]!;
    if (records === 0) return;
    const buffer = this.buffers[p]!;
    writeSync(this.fds[p]!, buffer, 0, records * RECORD_WORDS * 4);
    this.fill[p] = 0;
  }
}

/**
 * Settles a share of spilled keys: calls `found` for each repeat or conflict among them with where it is and where the
 * key first appeared, partition by partition, in the order each partition's keys came. Leaves the files in place.
 */
export function settleShare(share: SpillShare, found: RepeatFound): void {
  const counts = share.counts.slice(share.from, share.to);
  if (counts.every((count) => count === 0)) return;
  // One table for every partition, cleared between them: a fresh one each time cost more in page faults and zeroing
  // than the search itself (perf on the validate benchmark's 1 GB).
  const table = new Uint32Array(tableCapacity(Math.max(...counts)) * RECORD_WORDS);
  const input = new Uint32Array(SETTLE_READ_RECORDS * RECORD_WORDS);
  for (let p = share.from; p < share.to; p++) {
    if (share.counts[p] === 0) continue;
    const fd = openSync(join(share.dir, `${p}.bin`), "r");
    try {
      settlePartition(fd, share.counts[p]!, table, input, found);
    } finally {
      closeSync(fd);
    }
  }
}

/** `settleShare` on another thread: what it found, kept short (see `SettledShare`). */
export function settleShareApart(share: SpillShare): SettledShare {
  const settled: SettledShare = { kept: [], repeats: 0, conflicts: 0 };
  settleShare(share, (kind, file, line, firstFile, firstLine) => {
    const conflict = kind === Seen.Conflict;
    const count = conflict ? ++settled.conflicts : ++settled.repeats;
    if (settled.repeats + settled.conflicts <= KEPT_REPEATS || (conflict && count <= KEPT_REPEATS)) {
      settled.kept.push(kind, file, line, firstFile, firstLine);
    }
  });
  return settled;
}

/** Hands what another thread settled to `sink`, as if it had been settled here. */
export function replaySettled(settled: SettledShare, sink: RepeatSink): void {
  const { kept } = settled;
  let repeats = settled.repeats;
  let conflicts = settled.conflicts;
  for (let at = 0; at < kept.length; at += 5) {
    const kind = kept[at] as Seen;
    if (kind === Seen.Conflict) conflicts--;
    else repeats--;
    sink.found(kind, kept[at + 1]!, kept[at + 2]!, kept[at + 3]!, kept[at + 4]!);
  }
  if (repeats > 0) sink.more(Seen.Repeat, repeats);
  if (conflicts > 0) sink.more(Seen.Conflict, conflicts);
}

/** One partition's keys in a table of (hi, lo, tag, file, line) slots: every repeat among them, in file order. */
function settlePartition(fd: number, count: number, table: Uint32Array, buffer: Uint32Array, found: RepeatFound): void {
  const capacity = tableCapacity(count);
  const mask = capacity - 1;
  const slots = table.subarray(0, capacity * RECORD_WORDS).fill(0);
  for (let position = 0; ;) {
    const bytes = readSync(fd, buffer, 0, buffer.byteLength, position);
    if (bytes === 0) break;
    position += bytes;
    for (let at = 0; at < bytes / 4; at += RECORD_WORDS) {
      const hi = buffer[at]!;
      const lo = buffer[at + 1]!;
      const tag = buffer[at + 2]!;
      for (let slot = lo & mask; ; slot = (slot + 1) & mask) {
        const s = slot * RECORD_WORDS;
        if (slots[s + 1] === 0) {
          for (let word = 0; word < RECORD_WORDS; word++) slots[s + word] = buffer[at + word]!;
          break;
        }
        if (slots[s + 1] === lo && slots[s] === hi) {
          found(
            slots[s + 2] === tag ? Seen.Repeat : Seen.Conflict,
            buffer[at + 3]!,
            buffer[at + 4]!,
            slots[s + 3]!,
            slots[s + 4]!,
          );
          break;
        }
      }
    }
  }
}
