import { CellKind } from "./cell-grammar.js";
import { classifyBytes, parseNumberBytes, scanIsoTimestamp } from "./cell-scan.js";

/** A cell's value: null, a number, a boolean, or the text itself (timestamps stay ISO strings). */
export type CellValue = null | number | boolean | string;

/** The kind of value a cell's text holds (see `CellKind` for the rules). */
export function classifyCell(text: string): CellKind {
  return onBytes(text, classifyBytes);
}

export function parseCell(text: string): CellValue {
  switch (classifyCell(text)) {
    case CellKind.Null:
      return null;
    case CellKind.Integer:
    case CellKind.Float:
      return onBytes(text, parseNumberBytes);
    case CellKind.Boolean:
      return text.length === 4;
    default:
      return text;
  }
}

/** The number in a cell classified integer or float (integers beyond 2^53 round to the nearest double); else NaN. */
export function parseNumber(text: string): number {
  return onBytes(text, parseNumberBytes);
}

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|(+|-)HH[[:]MM]]]`
 * with every field in range, or NaN. A time without an offset is UTC; digits past milliseconds are dropped.
 */
export function parseIsoTimestamp(text: string): number {
  return onBytes(text, (bytes, start, end) => scanIsoTimestamp(bytes, start, end, true));
}

export function isIsoTimestamp(text: string): boolean {
  return !Number.isNaN(onBytes(text, (bytes, start, end) => scanIsoTimestamp(bytes, start, end, false)));
}

/** The kind of an already-typed value (JSON Lines, Parquet); a JSON string is a string unless it is an ISO timestamp. */
export function classifyValue(value: unknown): CellKind {
  switch (typeof value) {
    case "number":
      if (Number.isNaN(value)) return CellKind.Null;
      return Number.isInteger(value) ? CellKind.Integer : CellKind.Float;
    case "bigint":
      return CellKind.Integer;
    case "boolean":
      return CellKind.Boolean;
    case "string":
      return value.length >= 10 && isIsoTimestamp(value) ? CellKind.Timestamp : CellKind.String;
    case "undefined":
      return CellKind.Null;
    default:
      if (value === null) return CellKind.Null;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? CellKind.Null : CellKind.Timestamp;
      return CellKind.String;
  }
}

const scratch = Buffer.allocUnsafe(1024);

/** Runs a byte scanner of cell-scan.ts on a string's UTF-8 bytes. */
function onBytes<T>(text: string, scan: (bytes: Uint8Array, start: number, end: number) => T): T {
  const length = text.length;
  if (length * 3 > scratch.length) {
    const bytes = Buffer.from(text, "utf8");
    return scan(bytes, 0, bytes.length);
  }
  // Copying ASCII in a loop beats the native encoder's call cost on cell-sized strings.
  let i = 0;
  for (; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) break;
    scratch[i] = code;
  }
  return scan(scratch, 0, i === length ? length : scratch.write(text, 0, "utf8"));
}
