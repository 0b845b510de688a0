import { CellKind, type CellRanges, type ClassifiedColumn, type TextBatch } from "@ctrain/readers";
import { Seen } from "./repeat-finder.js";

/** The longest plain integer a key run takes: every 15-digit number is exact in a double. */
const MAX_DIGITS = 15;
const ZERO = 0x30;
const NINE = 0x39;

/** A text batch's one key column, as `plainKey` reads it. */
export interface KeyCells extends CellRanges, ClassifiedColumn {
  batch: TextBatch;
  col: number;
}

export function keyCells(batch: TextBatch, col: number): KeyCells {
  const { bytes, starts, ends, flags, width, delimiter } = batch.cellRanges();
  const { kinds, numbers } = batch.classifyColumn(col);
  return { bytes, starts, ends, flags, width, delimiter, kinds, numbers, batch, col };
}

/** A plain integer's text: no sign, blank or leading zero. */
const PLAIN_INTEGER = new RegExp(`^(?:0|[1-9][0-9]{0,${MAX_DIGITS - 1}})$`);

/**
 * The key cell of `row` as a number when its text is a plain decimal integer of at most 15 digits (no sign, blank or
 * leading zero: two such texts are equal exactly when their numbers are), else -1.
 */
export function plainKey(cells: KeyCells, row: number): number {
  if (cells.kinds[row] !== CellKind.Integer) return -1;
  const { bytes, starts, ends, flags, width, col } = cells;
  const index = row * width + col;
  // Text that differs from its bytes (`"1"2` reads 12) is rare: read it as text.
  if (flags[index] !== 0) return PLAIN_INTEGER.test(cells.batch.cell(row, col)) ? cells.numbers[row]! : -1;
  const start = starts[index]!;
  const length = ends[index]! - start;
  if (length > MAX_DIGITS) return -1;
  const first = bytes[start]!;
  const last = bytes[start + length - 1]!;
  // An integer cell may carry a sign and blanks around its digits: a digit at each end leaves only digits.
  if (first < ZERO || first > NINE || last < ZERO || last > NINE || (first === ZERO && length > 1)) return -1;
  return cells.numbers[row]!;
}

/**
 * Keys counting up by one from the first plain integer key (an auto-increment id), kept as the range they cover rather
 * than in the repeat finder: such a key is new, and a later plain key inside the range repeats one. The run ends at
 * the first plain key outside it that does not extend it; that key and every other one go to the finder, so only
 * keys in the range are answered here, exactly. Keys that are not plain never equal one in the range.
 */
export class KeyRun {
  private low = -1;
  private high = -1;
  private open = true;

  /** What the run knows of plain key `value`: new, a repeat, or nothing (undefined: ask the finder). */
  see(value: number): Seen | undefined {
    if (this.open) {
      if (this.low < 0) {
        this.low = this.high = value;
        return Seen.New;
      }
      if (value === this.high + 1) {
        this.high = value;
        return Seen.New;
      }
    }
    if (value >= this.low && value <= this.high) return Seen.Repeat;
    this.open = false;
    return undefined;
  }
}
