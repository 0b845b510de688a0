import {
  Composer,
  LineCounter,
  Parser,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type CST,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
} from "yaml";
import { UserError } from "../errors.js";
import { FILE_NODES_MAX, NESTING_DEPTH_MAX, YAML_ALIASES_MAX } from "../limits.js";
import { isReservedKey, reservedKeyError } from "./reserved-keys.js";

export interface YamlTextOptions extends Pick<SchemaOptions, "schema" | "customTags"> {
  /** Names the file in errors. */
  label: string;
  /** What a syntax error's hint says to fix. */
  hint: string;
  maxDepth?: number;
  maxNodes?: number;
  maxAliases?: number;
}

export interface ParsedYaml {
  value: unknown;
  document: Document.Parsed;
  lineCounter: LineCounter;
}

/**
 * Parses one YAML document with the limits hostile text needs, each a UserError at `file:line:col`: nesting depth
 * (checked on the parser's tokens, before the recursive composer could exhaust the stack), keys and items,
 * aliases expanded (alias bombs), duplicate and reserved keys. Duplicates are found in one linear pass (the yaml
 * package's own check compares every pair of keys, which takes minutes on a large file).
 */
export function parseYamlText(text: string, options: YamlTextOptions): ParsedYaml {
  const lineCounter = new LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${options.label}:${line}:${col}`;
  };
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const maxDepth = options.maxDepth ?? NESTING_DEPTH_MAX;
  const deep = tokens.map((token) => tooDeep(token, maxDepth)).find((offset) => offset !== undefined);
  if (deep !== undefined) {
    throw new UserError(`nested more than ${maxDepth} levels deep`, {
      location: at(deep),
      hint: `flatten the structure to at most ${maxDepth} levels`,
    });
  }
  const composerOptions: DocumentOptions & ParseOptions & SchemaOptions = {
    schema: options.schema,
    customTags: options.customTags,
    uniqueKeys: false,
    prettyErrors: false,
  };
  const documents = new Composer(composerOptions).compose(tokens, true, text.length);
  const document = documents.next().value as Document.Parsed | undefined;
  if (!document) throw new Error("the YAML composer returned no document");
  if (!documents.next().done) {
    throw new UserError("the file holds more than one YAML document", {
      location: at(document.range[2]),
      hint: "remove the `---` separators: the file is one document",
    });
  }
  const [error] = document.errors;
  if (error) {
    throw new UserError(error.message.split("\n")[0] ?? "invalid YAML", {
      location: at(error.pos[0]),
      hint: options.hint,
    });
  }
  checkNodes(document, options, at);
  const maxAliases = options.maxAliases ?? YAML_ALIASES_MAX;
  try {
    return { value: document.toJS({ maxAliasCount: maxAliases }), document, lineCounter };
  } catch (cause) {
    if (!(cause instanceof ReferenceError)) throw cause;
    throw aliasError(maxAliases, options.label, cause);
  }
}

function aliasError(maxAliases: number, location: string, cause?: unknown): UserError {
  return new UserError(`aliases expand to more than ${maxAliases} copies (a YAML alias bomb)`, {
    location,
    hint: "write the values out, or use fewer aliases (*name)",
    cause,
  });
}

type CstNode = CST.Token | undefined;

/** The offset of a collection nested deeper than `maxDepth`, walking the parser's tokens without recursion. */
function tooDeep(root: CST.Token, maxDepth: number): number | undefined {
  const pending: [CstNode, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    if (!token) continue;
    if (token.type === "document") pending.push([token.value, depth]);
    else if (token.type === "block-map" || token.type === "block-seq" || token.type === "flow-collection") {
      if (depth >= maxDepth) return token.offset;
      for (const item of token.items) {
        const pair = item as { key?: CstNode; value?: CstNode };
        pending.push([pair.key ?? undefined, depth + 1], [pair.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * One pass over the composed document, following aliases as toJS will: counts nodes (expanded ones included) and
 * alias expansions, and refuses duplicate and reserved keys where they are written.
 */
function checkNodes(document: Document.Parsed, options: YamlTextOptions, at: (offset: number) => string): void {
  const maxNodes = options.maxNodes ?? FILE_NODES_MAX;
  const maxAliases = options.maxAliases ?? YAML_ALIASES_MAX;
  const maxDepth = options.maxDepth ?? NESTING_DEPTH_MAX;
  let nodes = 0;
  let aliases = 0;
  const pending: { node: unknown; path: string; depth: number }[] = [{ node: document.contents, path: "", depth: 0 }];
  while (pending.length > 0) {
    const { node, path, depth } = pending.pop()!;
    if (++nodes > maxNodes) {
      throw new UserError(`more than ${maxNodes} keys and items`, {
        location: options.label,
        hint: "write a smaller file",
      });
    }
    if (isAlias(node)) {
      if (++aliases > maxAliases) throw aliasError(maxAliases, at(node.range?.[0] ?? 0));
      pending.push({ node: node.resolve(document), path, depth });
    } else if (isMap(node) || isSeq(node)) {
      if (depth >= maxDepth) {
        throw new UserError(`nested more than ${maxDepth} levels deep (through aliases)`, {
          location: at(node.range?.[0] ?? 0),
          hint: `flatten the structure to at most ${maxDepth} levels`,
        });
      }
      const keys = new Set<string>();
      const nodeOffset = node.range?.[0] ?? 0;
      node.items.forEach((item: unknown, index: number) => {
        if (!isPair(item)) return pending.push({ node: item, path: join(path, String(index)), depth: depth + 1 });
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        const keyPath = join(path, key ?? "(key)");
        const keyOffset = (item.key as { range?: [number] } | null)?.range?.[0] ?? nodeOffset;
        if (key !== undefined && isReservedKey(key)) throw reservedKeyError(keyPath, at(keyOffset));
        if (key !== undefined && keys.has(key)) {
          throw new UserError(`duplicate key ${JSON.stringify(keyPath)}`, {
            location: at(keyOffset),
            hint: "keep one of the two entries",
          });
        }
        if (key !== undefined) keys.add(key);
        if (!isScalar(item.key) && item.key !== null) pending.push({ node: item.key, path: keyPath, depth: depth + 1 });
        return pending.push({ node: item.value, path: keyPath, depth: depth + 1 });
      });
    }
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}
