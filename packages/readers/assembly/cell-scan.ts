// The cell grammar's common cases (cell-scan.ts), compiled to WebAssembly by scripts/generate-wasm.ts (AssemblyScript):
// a column of a CSV batch classified where its cells lie, each number computed as cell-scan.ts computes it. A cell
// this cannot settle exactly as cell-scan.ts would is marked ASK, for the batch to classify in JavaScript.

/** CellKind (cell-grammar.ts). */
const NULL: u8 = 0;
const INTEGER: u8 = 1;
const FLOAT: u8 = 2;
const BOOLEAN: u8 = 3;
const TIMESTAMP: u8 = 4;
const STRING: u8 = 5;
/** Left to cell-scan.ts: quotes doubled, infinity, more than 15 significant digits, an exponent past 22, ... */
const ASK: u8 = 255;
/** What scanNumber returns for a cell that is no number. */
const NOT_A_NUMBER: u8 = 254;
const CELL_NON_ASCII: u8 = 1;

const SPACE: i32 = 0x20;
const TAB: i32 = 0x09;
const PLUS: i32 = 0x2b;
const MINUS: i32 = 0x2d;
const DOT: i32 = 0x2e;
const ZERO: i32 = 0x30;
const NINE: i32 = 0x39;
const COLON: i32 = 0x3a;

/**
 * Classifies column `col` of `rows` records of `width` cells (cell ranges `starts`/`ends` into `bytes`, less `bias`;
 * `flags` as the tokenizer sets them) into `kinds` and `numbers`. `grammar` holds the bytes that may start another
 * kind than text (256 flags), then the null spellings, each as its length and bytes, then a 0. Returns how many cells
 * were marked ASK.
 */
export function classifyColumn(
  bytes: usize,
  bias: i32,
  starts: usize,
  ends: usize,
  flags: usize,
  width: i32,
  col: i32,
  rows: i32,
  grammar: usize,
  kinds: usize,
  numbers: usize,
): i32 {
  let asked = 0;
  for (let row = 0; row < rows; row++) {
    const index = <usize>(row * width + col);
    let kind: u8 = ASK;
    number = NaN;
    if ((load<u8>(flags + index) | CELL_NON_ASCII) == CELL_NON_ASCII) {
      const start = load<i32>(starts + (index << 2));
      const end = load<i32>(ends + (index << 2));
      if (start == end) kind = NULL;
      else kind = classifyCell(bytes + <usize>(start - bias), end - start, grammar);
    }
    if (kind == ASK) asked++;
    store<u8>(kinds + <usize>row, kind);
    store<f64>(numbers + ((<usize>row) << 3), number);
  }
  return asked;
}

/** The number of the cell last classified a number or a boolean, else NaN. */
let number: f64 = NaN;

function classifyCell(cell: usize, length: i32, grammar: usize): u8 {
  if (load<u8>(grammar + <usize>load<u8>(cell)) == 0) return STRING;
  const kind = scanNumber(cell, length);
  if (kind != NOT_A_NUMBER) return kind;
  if (isNullSpelling(cell, length, grammar + 256)) return NULL;
  if (length == 4 && equalsIgnoringCase(cell, 0x65757274)) {
    number = 1;
    return BOOLEAN;
  }
  if (length == 5 && equalsIgnoringCase(cell, 0x736c6166) && (load<u8>(cell + 4) | 0x20) == 0x65) {
    number = 0;
    return BOOLEAN;
  }
  if (length >= 10 && isIsoTimestamp(cell, length)) return TIMESTAMP;
  return STRING;
}

/**
 * The four bytes at `cell` spell `word` (four lower-case letters, little-endian), ignoring the case of letters: a byte
 * whose bit 5 set makes a lower-case letter is that letter in either case.
 */
function equalsIgnoringCase(cell: usize, word: u32): bool {
  return (load<u32>(cell) | 0x20202020) == word;
}

/** Powers of ten that doubles hold exactly, as cell-scan.ts's POWERS_OF_TEN. */
const POWERS_OF_TEN: StaticArray<f64> = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * cell-scan.ts's scanNumber where it computes the value itself: INTEGER or FLOAT with `number` set, NOT_A_NUMBER, or
 * ASK where cell-scan.ts would call `Number` or BigInt, or when the cell may spell infinity.
 */
function scanNumber(cell: usize, length: i32): u8 {
  let i = 0;
  let code: i32 = load<u8>(cell);
  while (code == SPACE || code == TAB) code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
  const negative = code == MINUS;
  if (negative || code == PLUS) code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
  const signEnd = i;
  let mantissa: f64 = 0;
  let significant = 0;
  while (code >= ZERO && code <= NINE) {
    if (significant > 0 || code != ZERO) {
      mantissa = mantissa * 10 + <f64>(code - ZERO);
      significant++;
    }
    code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
  }
  const integerDigits = i - signEnd;
  let kind = INTEGER;
  let fractionDigits = 0;
  if (code == DOT) {
    kind = FLOAT;
    const fractionStart = ++i;
    code = i < length ? <i32>load<u8>(cell + <usize>i) : -1;
    while (code >= ZERO && code <= NINE) {
      if (significant > 0 || code != ZERO) {
        mantissa = mantissa * 10 + <f64>(code - ZERO);
        significant++;
      }
      code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
    }
    fractionDigits = i - fractionStart;
  }
  if (integerDigits + fractionDigits == 0) {
    // Maybe an infinity spelling (a sign, then `i`, as cell-scan.ts's infinityKind looks): cell-scan.ts's to tell.
    const signed: i32 = load<u8>(cell) == PLUS || load<u8>(cell) == MINUS ? 1 : 0;
    return kind == INTEGER && length > signed && (load<u8>(cell + <usize>signed) | 0x20) == 0x69 ? ASK : NOT_A_NUMBER;
  }
  let exponent = 0;
  if ((code | 0x20) == 0x65) {
    kind = FLOAT;
    code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
    const exponentNegative = code == MINUS;
    if (exponentNegative || code == PLUS) code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
    const exponentStart = i;
    while (code >= ZERO && code <= NINE) {
      if (i - exponentStart >= 3) return ASK;
      exponent = exponent * 10 + code - ZERO;
      code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
    }
    if (i == exponentStart) return NOT_A_NUMBER;
    if (exponentNegative) exponent = -exponent;
  }
  while (code == SPACE || code == TAB) code = ++i < length ? <i32>load<u8>(cell + <usize>i) : -1;
  if (i != length) return NOT_A_NUMBER;
  const scale = exponent - fractionDigits;
  // cell-scan.ts also looks at 19 integer digits or more, but with 15 significant ones at most those are leading zeros:
  // a number well within range.
  if (significant > 15 || scale > 22 || scale < -22) return ASK;
  const magnitude =
    scale >= 0 ? mantissa * unchecked(POWERS_OF_TEN[scale]) : mantissa / unchecked(POWERS_OF_TEN[-scale]);
  number = negative ? -magnitude : magnitude;
  return kind;
}

function isNullSpelling(cell: usize, length: i32, spellings: usize): bool {
  let at = spellings;
  for (let spellingLength = <i32>load<u8>(at); spellingLength != 0; spellingLength = <i32>load<u8>(at)) {
    if (spellingLength == length && memory.compare(cell, at + 1, <usize>length) == 0) return true;
    at += 1 + <usize>spellingLength;
  }
  return false;
}

const DAYS_IN_MONTH: StaticArray<i32> = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** cell-scan.ts's scanIsoTimestamp without the epoch milliseconds: whether the cell is such a timestamp. */
function isIsoTimestamp(cell: usize, length: i32): bool {
  if (load<u8>(cell + 4) != MINUS || load<u8>(cell + 7) != MINUS) return false;
  const year = digits(cell, 4);
  const month = digits(cell + 5, 2);
  const day = digits(cell + 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  if (day > unchecked(DAYS_IN_MONTH[month - 1]) + (month == 2 && leap ? 1 : 0)) return false;
  if (length == 10) return true;
  const separator = <i32>load<u8>(cell + 10);
  if ((separator != 0x54 && separator != SPACE) || length < 16 || load<u8>(cell + 13) != COLON) return false;
  if (!inRange(digits(cell + 11, 2), 23) || !inRange(digits(cell + 14, 2), 59)) return false;
  let i = 16;
  if (i < length && load<u8>(cell + <usize>i) == COLON) {
    if (i + 3 > length) return false;
    if (!inRange(digits(cell + <usize>(i + 1), 2), 59)) return false;
    i += 3;
    if (i < length && load<u8>(cell + <usize>i) == DOT) {
      const fractionStart = ++i;
      while (i < length && <i32>load<u8>(cell + <usize>i) >= ZERO && <i32>load<u8>(cell + <usize>i) <= NINE) i++;
      const fractionDigits = i - fractionStart;
      if (fractionDigits == 0 || fractionDigits > 9) return false;
    }
  }
  if (i == length) return true;
  const zone = <i32>load<u8>(cell + <usize>i);
  if (zone == 0x5a) return i + 1 == length;
  if ((zone != PLUS && zone != MINUS) || i + 3 > length) return false;
  if (!inRange(digits(cell + <usize>(i + 1), 2), 23)) return false;
  i += 3;
  if (i < length) {
    if (load<u8>(cell + <usize>i) == COLON) i++;
    if (i + 2 != length) return false;
    if (!inRange(digits(cell + <usize>i, 2), 59)) return false;
  }
  return true;
}

/** The number written by `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digits(at: usize, count: i32): i32 {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const byte = <i32>load<u8>(at + <usize>i);
    if (byte < ZERO || byte > NINE) return -1;
    value = value * 10 + byte - ZERO;
  }
  return value;
}

function inRange(value: i32, max: i32): bool {
  return value >= 0 && value <= max;
}
