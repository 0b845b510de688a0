import { lstatSync, readdirSync, existsSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { z } from "zod";
import { UserError } from "../errors.js";
import { parseJsonText } from "../input/json-text.js";
import { readTextFile } from "../input/text-file.js";
import { BUNDLE_DOCUMENT_MAX_BYTES, BUNDLE_FILES_MAX, BUNDLE_TOTAL_MAX_BYTES } from "../limits.js";
import { writeFileAtomic } from "./atomic.js";
import { ProfileDocument, BUNDLE_DOCUMENTS } from "./documents.js";
import { encodeNonFinite } from "./values.js";

export const DEFAULT_BUNDLE_DIR = ".ctrain";
/** The local store of runs, registry and history beside the workspace; the CLI's and the local seam's default. */
export const DEFAULT_STORE_DIR = ".ctrain-store";
export type BundleDocumentKind = keyof typeof BUNDLE_DOCUMENTS;
type DocumentOf<K extends BundleDocumentKind> = z.output<(typeof BUNDLE_DOCUMENTS)[K]["schema"]>;

export function serializeDocument(document: unknown): string {
  return JSON.stringify(document, encodeNonFinite, 2) + "\n";
}

/**
 * Parses and validates one JSON document; every failure names the file and the key. Nesting is bounded and
 * duplicate or reserved keys (which JSON.parse or zod would drop silently) are refused, before the schema's walk.
 */
export function parseDocument<T extends z.ZodType>(text: string, schema: T, fileLabel: string): z.output<T> {
  const raw = parseJsonText(text, {
    label: fileLabel,
    maxNodes: Number.POSITIVE_INFINITY,
    hint: "the file is not valid JSON; it may have been cut short or altered",
  });
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = issue.path.map(String).join(".") || "(document)";
    throw new UserError(`${key}: ${issue.message}`, {
      location: fileLabel,
      hint: "the file does not match its ctrain schema; it may come from another ctrain version or have been altered",
    });
  }
  return result.data;
}

/** Resolves `path` inside `root`, refusing anything that would land outside it. */
export function confinedPath(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  if (target !== base && !target.startsWith(base + sep)) {
    throw new UserError(`path escapes its folder: ${JSON.stringify(path)}`, { location: root });
  }
  return target;
}

/**
 * Checks a bundle folder from another run before anything reads it: no links, no special files, bounded file count
 * and size. Documents inside are then validated one by one as they are read. Top-level folders in `skip` are left to
 * their reader, which checks them under its own bounds (a shard's key partitions).
 */
export function inspectUntrustedTree(
  root: string,
  limits = { files: BUNDLE_FILES_MAX, bytes: BUNDLE_TOTAL_MAX_BYTES },
  skip: readonly string[] = [],
): {
  files: string[];
  bytes: number;
} {
  const files: string[] = [];
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      const stat = lstatSync(full);
      const rel = relative(root, full);
      if (stat.isSymbolicLink())
        throw new UserError(`untrusted bundle holds a symbolic link: ${rel}`, { location: root });
      if (stat.isDirectory() && dir === root && skip.includes(entry)) continue;
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile()) {
        files.push(rel.split(sep).join("/"));
        bytes += stat.size;
        if (files.length > limits.files) {
          throw new UserError(`untrusted bundle holds more than ${limits.files} files`, { location: root });
        }
        if (bytes > limits.bytes) {
          throw new UserError(`untrusted bundle is larger than ${limits.bytes} bytes`, { location: root });
        }
      } else throw new UserError(`untrusted bundle holds a special file: ${rel}`, { location: root });
    }
  };
  walk(root);
  return { files: files.sort(), bytes };
}

/** The run bundle: a folder of versioned JSON documents that every step reads and writes. */
export class Bundle {
  readonly root: string;
  /** A bundle from another run or job: sizes are capped and every document is validated on read. */
  readonly untrusted: boolean;

  /** `skipFolders`: top-level folders of an untrusted bundle that their own reader checks. */
  constructor(root: string, options: { untrusted?: boolean; skipFolders?: readonly string[] } = {}) {
    this.root = resolve(root);
    this.untrusted = options.untrusted ?? false;
    if (this.untrusted && existsSync(this.root)) {
      inspectUntrustedTree(this.root, undefined, options.skipFolders);
    }
  }

  path(relativePath: string): string {
    return confinedPath(this.root, relativePath);
  }

  has(kind: BundleDocumentKind): boolean {
    return existsSync(this.path(BUNDLE_DOCUMENTS[kind].file));
  }

  read<K extends BundleDocumentKind>(kind: K): DocumentOf<K> {
    const { file, schema } = BUNDLE_DOCUMENTS[kind];
    return this.readJson(file, schema) as DocumentOf<K>;
  }

  readIfPresent<K extends BundleDocumentKind>(kind: K): DocumentOf<K> | undefined {
    return this.has(kind) ? this.read(kind) : undefined;
  }

  write<K extends BundleDocumentKind>(kind: K, document: DocumentOf<K>): string {
    const { file, schema } = BUNDLE_DOCUMENTS[kind];
    return this.writeJson(file, schema, document);
  }

  readProfile(dataset: string): ProfileDocument {
    return this.readJson(`profile/${dataset}.json`, ProfileDocument);
  }

  writeProfile(document: ProfileDocument): string {
    return this.writeJson(`profile/${document.dataset}.json`, ProfileDocument, document);
  }

  listProfiles(): string[] {
    const dir = this.path("profile");
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.slice(0, -".json".length))
      .sort();
  }

  readJson<T extends z.ZodType>(relativePath: string, schema: T): z.output<T> {
    const full = this.path(relativePath);
    const label = relative(process.cwd(), full) || full;
    if (!existsSync(full)) throw new UserError(`missing bundle document ${relativePath}`, { location: this.root });
    const text = readTextFile(full, { label, what: "bundle document", maxBytes: BUNDLE_DOCUMENT_MAX_BYTES });
    return parseDocument(text, schema, label);
  }

  writeJson<T extends z.ZodType>(relativePath: string, schema: T, document: z.input<T>): string {
    // Validate on write too: a bug must not produce a bundle that the next run will reject.
    const checked = schema.parse(JSON.parse(JSON.stringify(document, encodeNonFinite)));
    const full = this.path(relativePath);
    writeFileAtomic(full, serializeDocument(checked));
    return full;
  }
}
