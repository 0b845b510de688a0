import type { RecordedValue } from "@ctrain/core";
import { label, text, type Cell } from "./document.js";
import { MISSING, formatNumber, formatPercentChange, formatSigned } from "./format.js";

/** A recorded value: numbers and booleans are ctrain's to format; strings came from data and stay inert text. */
export function valueCell(value: RecordedValue | undefined): Cell {
  if (value === undefined) return [label(MISSING)];
  if (typeof value === "number") return [label(formatNumber(value))];
  if (typeof value === "string") return [text(value)];
  return [label(String(value))];
}

export function numberCell(value: number | null | undefined, format: (value: number) => string = formatNumber): Cell {
  return [label(value === null || value === undefined ? MISSING : format(value))];
}

export const signedCell = (value: number | null | undefined): Cell => numberCell(value, formatSigned);
export const percentChangeCell = (value: number | null | undefined): Cell => numberCell(value, formatPercentChange);

export const labelCell = (value: string): Cell => [label(value)];
export const textCell = (value: string): Cell => [text(value)];
