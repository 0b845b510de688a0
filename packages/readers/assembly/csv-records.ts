// The CSV tokenizer's fast path, compiled to WebAssembly with SIMD by scripts/generate-wasm.ts (AssemblyScript).
// It finds the fields of complete records as csv-tokenizer.ts does, 16 bytes per step, and stops at the first record
// it leaves to that tokenizer: one whose field count is not `width`, a lone CR or a CR inside quotes, text after a
// closing quote, a record longer than `maxRecordBytes`, or one the bytes end inside.

const LF: i32 = 0x0a;
const CR: i32 = 0x0d;
const QUOTE: i32 = 0x22;
/** The cell flags of batch.ts. */
const CELL_NON_ASCII: u8 = 1;
const CELL_DOUBLED_QUOTES: u8 = 2;

/**
 * Tokenizes records from `bytes + pos` (of `length` bytes, followed by 16 zero bytes) until `maxRows` are stored or
 * one is left to the tokenizer; returns how many were stored. Cell `i`'s range (plus `bias`) goes to `starts[i]` and
 * `ends[i]`, its flags to `flags[i]`, each record's first line to `lines`. `state` receives the position and line
 * after the last record or blank line taken.
 */
export function records(
  bytes: usize,
  length: i32,
  pos: i32,
  line: i32,
  bias: i32,
  width: i32,
  delimiter: i32,
  maxRows: i32,
  maxRecordBytes: i32,
  starts: usize,
  ends: usize,
  flags: usize,
  lines: usize,
  state: usize,
): i32 {
  const delimiters = i8x16.splat(<i8>delimiter);
  const lineFeeds = i8x16.splat(<i8>LF);
  const carriageReturns = i8x16.splat(<i8>CR);
  const quotes = i8x16.splat(<i8>QUOTE);
  let rows = 0;
  let cell = 0;
  store<i32>(state, pos);
  store<i32>(state, line, 4);
  while (rows < maxRows && pos < length) {
    const first = <i32>load<u8>(bytes + pos);
    // A line that starts with CR is blank (CRLF) or ends at a lone CR: the tokenizer's to take.
    if (first == CR) return rows;
    if (first == LF) {
      // A blank line, skipped.
      pos++;
      line++;
      store<i32>(state, pos);
      store<i32>(state, line, 4);
      continue;
    }
    const recordStart = pos;
    const recordLine = line;
    let fields = 0;
    for (;;) {
      let fieldStart = pos;
      let fieldEnd = pos;
      let fieldFlags: u8 = 0;
      if (<i32>load<u8>(bytes + pos) == QUOTE) {
        let p = pos + 1;
        for (;;) {
          const block = v128.load(bytes + p);
          const stops = stopsIn(block, quotes, lineFeeds, carriageReturns);
          const high = i8x16.bitmask(block);
          if (stops == 0) {
            if (high != 0) fieldFlags |= CELL_NON_ASCII;
            p += 16;
            if (p >= length) return rows;
            continue;
          }
          const at = ctz(stops);
          if ((high & ((1 << at) - 1)) != 0) fieldFlags |= CELL_NON_ASCII;
          p += at;
          if (p >= length) return rows;
          const byte = <i32>load<u8>(bytes + p);
          if (byte == QUOTE) {
            if (p + 1 >= length) return rows;
            if (<i32>load<u8>(bytes + p + 1) != QUOTE) break;
            fieldFlags |= CELL_DOUBLED_QUOTES;
            p += 2;
          } else if (byte == LF) {
            line++;
            p++;
          } else return rows;
        }
        fieldStart = pos + 1;
        fieldEnd = p;
        pos = p + 1;
        if (pos >= length) return rows;
        const next = <i32>load<u8>(bytes + pos);
        if (next != delimiter && next != LF && next != CR) return rows;
      } else {
        for (;;) {
          const block = v128.load(bytes + pos);
          const stops = stopsIn(block, delimiters, lineFeeds, carriageReturns);
          const high = i8x16.bitmask(block);
          if (stops == 0) {
            if (high != 0) fieldFlags = CELL_NON_ASCII;
            pos += 16;
            if (pos >= length) return rows;
            continue;
          }
          const at = ctz(stops);
          if ((high & ((1 << at) - 1)) != 0) fieldFlags = CELL_NON_ASCII;
          pos += at;
          break;
        }
        if (pos >= length) return rows;
        fieldEnd = pos;
      }
      if (fields < width) {
        const index = <usize>(cell + fields);
        store<i32>(starts + (index << 2), fieldStart + bias);
        store<i32>(ends + (index << 2), fieldEnd + bias);
        store<u8>(flags + index, fieldFlags);
      }
      fields++;
      const byte = <i32>load<u8>(bytes + pos);
      pos++;
      if (byte == delimiter) continue;
      if (byte == CR) {
        // Only CRLF: a lone CR, or one the bytes end on, is left to the tokenizer.
        if (pos >= length || <i32>load<u8>(bytes + pos) != LF) return rows;
        pos++;
      }
      line++;
      break;
    }
    if (fields != width || pos - recordStart > maxRecordBytes) return rows;
    store<i32>(lines + ((<usize>rows) << 2), recordLine);
    rows++;
    cell += width;
    store<i32>(state, pos);
    store<i32>(state, line, 4);
  }
  return rows;
}

/** A bit per byte of `block` that is `stop`, LF or CR (bit i for byte i). */
function stopsIn(block: v128, stop: v128, lineFeeds: v128, carriageReturns: v128): i32 {
  const found = v128.or(v128.or(i8x16.eq(block, stop), i8x16.eq(block, lineFeeds)), i8x16.eq(block, carriageReturns));
  return i8x16.bitmask(found);
}
