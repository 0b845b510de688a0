import { UserError } from "../errors.js";

/**
 * Names that reach an object's prototype. zod drops `__proto__` from records and a plain object turns an assignment
 * of it into a prototype change, so a metric, gate or param of that name would vanish (or pollute every object).
 * ctrain's one rule: such keys are refused, with the file and key named, in every file it parses (config, params,
 * metric files, bundle documents) and in flattened metric and param names.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/** The UserError for a reserved key at `location` (`file:line:col`, or the file), `path` being the dotted key. */
export function reservedKeyError(path: string, location: string): UserError {
  return new UserError(`key ${JSON.stringify(path)} uses a reserved name (__proto__, constructor, prototype)`, {
    location,
    hint: "rename it: these names reach JavaScript's object prototype and are refused in every file ctrain reads",
  });
}

/** Throws when a segment of a dotted name is reserved. */
export function checkKeySegments(path: string, location: string): void {
  if (path.split(".").some(isReservedKey)) throw reservedKeyError(path, location);
}
