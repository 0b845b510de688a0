import { Buffer } from "node:buffer";
import { UserError, parseJsonText } from "@ctrain/core";
import {
  HISTORY_FILE_MAX_BYTES,
  HISTORY_RECORDS_MAX,
  HISTORY_RECORD_MAX_BYTES,
  HistoryRecord,
  type HistoryRecordInput,
} from "./record.js";

/** The store's file name, on the `ctrain-history` branch and in the local store. */
export const HISTORY_FILE = "history.jsonl";

/** What a store holds, and the lines it refused on the way in (each named `file:line: reason`). */
export interface HistoryContents {
  records: HistoryRecord[];
  refused: string[];
}

/**
 * Where history lives: a file on a branch on GitHub, a file in the local store. `append` must never lose a record
 * that a concurrent writer added: it retries on its own read-modify-write until its write lands on what it read.
 */
export interface HistoryStore {
  /** Names the store in messages. */
  readonly label: string;
  read(): Promise<HistoryContents>;
  /** Adds records (a record whose id is stored already replaces it) and returns what the store then holds. */
  append(records: HistoryRecord[]): Promise<HistoryContents>;
}

/**
 * Reads a store file as the untrusted text it is: each line is bounded, parsed with JSON's hazards refused
 * (duplicate and reserved keys, deep nesting) and checked against the schema. A bad line is refused and named;
 * the others still count.
 */
export function parseHistory(text: string, label: string): HistoryContents {
  if (Buffer.byteLength(text) > HISTORY_FILE_MAX_BYTES) {
    throw new UserError(`history store is larger than ${HISTORY_FILE_MAX_BYTES} bytes`, {
      location: label,
      hint: "the file was altered; restore it from the branch's history",
    });
  }
  const records: HistoryRecord[] = [];
  const refused: string[] = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    const where = `${label}:${index + 1}`;
    if (Buffer.byteLength(line) > HISTORY_RECORD_MAX_BYTES) {
      refused.push(`${where}: longer than ${HISTORY_RECORD_MAX_BYTES} bytes`);
      return;
    }
    try {
      const result = HistoryRecord.safeParse(parseJsonText(line, { label: where }));
      if (result.success) records.push(result.data);
      else {
        const issue = result.error.issues[0]!;
        refused.push(`${where}: ${issue.path.map(String).join(".") || "(record)"}: ${issue.message}`);
      }
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      refused.push(error.format());
    }
  });
  return { records: mergeHistory([], records), refused };
}

/** One record per line, oldest first. */
export function serializeHistory(records: readonly HistoryRecord[]): string {
  return records.map((record) => JSON.stringify(record) + "\n").join("");
}

/**
 * The store after `added`: one record per id (the later one wins, as a re-run attempt supersedes the first),
 * ordered by date, and only the newest HISTORY_RECORDS_MAX kept.
 */
export function mergeHistory(stored: readonly HistoryRecord[], added: readonly HistoryRecord[]): HistoryRecord[] {
  const byId = new Map<string, HistoryRecord>();
  for (const record of [...stored, ...added]) byId.set(record.id, record);
  return [...byId.values()]
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(-HISTORY_RECORDS_MAX);
}

/** Checks a record before it is written, so a store never holds a line its readers would refuse. */
export function checkedRecord(record: HistoryRecordInput): HistoryRecord {
  const parsed = HistoryRecord.parse(record);
  if (Buffer.byteLength(JSON.stringify(parsed)) > HISTORY_RECORD_MAX_BYTES) {
    throw new UserError(`history record ${parsed.id} is longer than ${HISTORY_RECORD_MAX_BYTES} bytes`);
  }
  return parsed;
}
