import { randomUUID } from "node:crypto";
import { UserError } from "../errors.js";
import { FILE_NODES_MAX, NESTING_DEPTH_MAX } from "../limits.js";
import { isReservedKey, reservedKeyError } from "./reserved-keys.js";
import { textPosition } from "./text-file.js";

export interface JsonTextOptions {
  /** Names the file in errors. */
  label: string;
  /** The text is this line of the file (JSON Lines): positions count from it. */
  line?: number;
  maxDepth?: number;
  /** Keys and list items in all; unbounded for documents whose size is capped already. */
  maxNodes?: number;
  /** Read Python's bare NaN, Infinity and -Infinity (json.dump writes them) as numbers. */
  nonFinite?: boolean;
  /** What a syntax error's hint says the file should hold. */
  hint?: string;
}

/** Stands for a bare NaN/Infinity while JSON.parse reads the text; the random part cannot occur in a file. */
const NON_FINITE_MARKER = `\u0000ctrain-${randomUUID()}:`;

/**
 * JSON.parse, after one linear pass over the text that enforces what JSON.parse does not: nesting depth, node
 * count, no duplicate keys (JSON.parse keeps the last one silently) and no reserved keys, each refused at
 * `file:line:col`. Work and memory stay linear in the text, so a million keys take about as long as JSON.parse.
 */
export function parseJsonText(text: string, options: JsonTextOptions): unknown {
  const at = (offset: number): string => {
    const { line, col } = textPosition(text, offset);
    return `${options.label}:${line + (options.line ?? 1) - 1}:${col}`;
  };
  const scanned = scanJson(text, options, at);
  let value: unknown;
  try {
    value = JSON.parse(scanned.text);
  } catch (error) {
    const offset = jsonErrorOffset(scanned.text);
    const found =
      offset < 0 || offset >= scanned.text.length ? "the end of the text" : JSON.stringify(scanned.text[offset]);
    throw new UserError(`JSON syntax error: unexpected ${found}`, {
      location: at(scanned.originalOffset(offset < 0 ? 0 : offset)),
      hint: options.hint ?? "fix the JSON at that position",
      cause: error,
    });
  }
  return scanned.replaced ? restoreNonFinite(value) : value;
}

interface Frame {
  /** Keys seen so far; undefined for a list. */
  keys?: Set<string>;
  lastKey?: string;
  path: string;
}

interface ScannedJson {
  text: string;
  replaced: boolean;
  /** Maps an offset in the scanned text back to the original (they differ after NaN/Infinity were replaced). */
  originalOffset(offset: number): number;
}

const NON_FINITE_TOKENS = ["NaN", "Infinity", "-Infinity"] as const;

function scanJson(text: string, options: JsonTextOptions, at: (offset: number) => string): ScannedJson {
  const maxDepth = options.maxDepth ?? NESTING_DEPTH_MAX;
  const maxNodes = options.maxNodes ?? FILE_NODES_MAX;
  const fail = (message: string, offset: number, hint: string): never => {
    throw new UserError(message, { location: at(offset), hint });
  };
  const stack: Frame[] = [];
  const pieces: string[] = [];
  /** [offset in the scanned text, total growth up to it], for mapping error positions back. */
  const shifts: [number, number][] = [];
  let copiedUpTo = 0;
  let growth = 0;
  let expectKey = false;
  let nodes = 0;
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      const end = stringEnd(text, index);
      if (end < 0) break; // unterminated: JSON.parse reports it
      const top = stack.at(-1);
      if (top?.keys && expectKey) {
        const raw = text.slice(index + 1, end);
        const key = raw.includes("\\") ? decodeJsonString(text.slice(index, end + 1)) : raw;
        if (key !== undefined) {
          const path = top.path === "" ? key : `${top.path}.${key}`;
          if (isReservedKey(key)) throw reservedKeyError(path, at(index));
          if (top.keys.has(key)) {
            fail(`duplicate key ${JSON.stringify(path)} (keys must be unique)`, index, "keep one of the two entries");
          }
          top.keys.add(key);
          top.lastKey = key;
          if (++nodes > maxNodes) fail(`more than ${maxNodes} keys and items`, index, "write a smaller file");
        }
        expectKey = false;
      }
      index = end + 1;
      continue;
    }
    if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        fail(`nested more than ${maxDepth} levels deep`, index, `flatten the structure to at most ${maxDepth} levels`);
      }
      const parent = stack.at(-1);
      const path = parent ? childPath(parent) : "";
      stack.push(code === 0x7b ? { keys: new Set(), path } : { path });
      expectKey = code === 0x7b;
      if (code === 0x5b && ++nodes > maxNodes)
        fail(`more than ${maxNodes} keys and items`, index, "write a smaller file");
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      stack.pop();
      expectKey = false;
    } else if (code === 0x2c /* , */) {
      const top = stack.at(-1);
      expectKey = top?.keys !== undefined;
      if (!top?.keys && ++nodes > maxNodes) fail(`more than ${maxNodes} keys and items`, index, "write a smaller file");
    } else if (options.nonFinite && (code === 0x4e /* N */ || code === 0x49 /* I */ || code === 0x2d) /* - */) {
      const token = NON_FINITE_TOKENS.find((candidate) => text.startsWith(candidate, index));
      if (token) {
        pieces.push(text.slice(copiedUpTo, index), JSON.stringify(`${NON_FINITE_MARKER}${token}`));
        const added = JSON.stringify(`${NON_FINITE_MARKER}${token}`).length - token.length;
        growth += added;
        shifts.push([index + growth, growth]);
        index += token.length;
        copiedUpTo = index;
        continue;
      }
    }
    index++;
  }
  if (pieces.length === 0) return { text, replaced: false, originalOffset: (offset) => offset };
  pieces.push(text.slice(copiedUpTo));
  return {
    text: pieces.join(""),
    replaced: true,
    originalOffset: (offset) => offset - (shifts.findLast(([at]) => at <= offset)?.[1] ?? 0),
  };
}

/** The dotted path of a container opened inside `parent`: under its last key, or `[]` in a list. */
function childPath(parent: Frame): string {
  const name = parent.keys ? (parent.lastKey ?? "") : "[]";
  return parent.path === "" ? name : `${parent.path}.${name}`;
}

/** The index of the closing quote of the string opening at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  for (;;) {
    const quote = text.indexOf('"', index);
    if (quote < 0) return -1;
    let backslashes = 0;
    for (let before = quote - 1; text.charCodeAt(before) === 0x5c; before--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    index = quote + 1;
  }
}

function decodeJsonString(literal: string): string | undefined {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return undefined; // JSON.parse reports the bad escape with its position
  }
}

/** Turns the markers back into NaN and ±Infinity, without recursion (depth is bounded, but so is the stack). */
function restoreNonFinite(root: unknown): unknown {
  const restore = (value: unknown): unknown =>
    typeof value === "string" && value.startsWith(NON_FINITE_MARKER)
      ? Number(value.slice(NON_FINITE_MARKER.length))
      : value;
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        node[index] = restore(node[index]);
        if (typeof node[index] === "object") pending.push(node[index]);
      }
    } else if (node !== null && typeof node === "object") {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        record[key] = restore(record[key]);
        if (typeof record[key] === "object") pending.push(record[key]);
      }
    }
  }
  return restore(root);
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/**
 * Where JSON text stops being valid (0-based), or -1; JSON.parse's messages carry no position for some errors on
 * Node 20. Iterative, so it cannot overflow the stack on deep nesting.
 */
export function jsonErrorOffset(text: string): number {
  const stack: string[] = [];
  let index = 0;
  let state: "value" | "key" | "after" = "value";
  const skipSpace = (): void => {
    while (index < text.length && " \t\n\r".includes(text[index]!)) index++;
  };
  const matchAt = (pattern: RegExp): boolean => {
    pattern.lastIndex = index;
    if (!pattern.test(text)) return false;
    index = pattern.lastIndex;
    return true;
  };
  const string = (): boolean => {
    for (index++; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code === 0x22) {
        index++;
        return true;
      }
      if (code < 0x20) return false;
      if (code === 0x5c) {
        index++;
        if (text[index] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(index + 1, index + 5))) return false;
          index += 4;
        } else if (!'"\\/bfnrt'.includes(text[index] ?? "x")) return false;
      }
    }
    return false;
  };
  for (;;) {
    skipSpace();
    const char = text[index];
    if (state === "value") {
      if (char === "{" || char === "[") {
        stack.push(char);
        index++;
        skipSpace();
        if (text[index] === (char === "{" ? "}" : "]")) {
          stack.pop();
          index++;
          state = "after";
        } else state = char === "{" ? "key" : "value";
      } else if (char === '"') {
        if (!string()) return index;
        state = "after";
      } else if (matchAt(NUMBER) || matchAt(LITERAL)) state = "after";
      else return index;
    } else if (state === "key") {
      if (char !== '"' || !string()) return index;
      skipSpace();
      if (text[index] !== ":") return index;
      index++;
      state = "value";
    } else {
      const open = stack.at(-1);
      if (open === undefined) return index < text.length ? index : -1;
      if (char === ",") {
        index++;
        state = open === "{" ? "key" : "value";
      } else if (char === (open === "{" ? "}" : "]")) {
        stack.pop();
        index++;
      } else return index;
    }
  }
}
