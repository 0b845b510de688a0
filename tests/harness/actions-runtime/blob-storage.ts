/**
 * The Azure Blob operations the toolkit performs with signed URLs, and only those: Put Block and Put Block List
 * (`@azure/storage-blob`'s `uploadStream`, used by `@actions/artifact`), Put Blob (`uploadFile` below its
 * single-shot size, used by `@actions/cache`), and Get Blob (with Range) and Get Blob Properties for downloads.
 * Each request is held to the service's rules: a valid signature with the needed permission, well-formed block ids
 * of one length per blob, committed blocks that were staged, and a Content-MD5 that matches when one is sent.
 */
import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UrlSigner } from "../signed-url.js";

export interface StoredBlob {
  content: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

const API_VERSION = "2025-01-05";
/** Azure's limits: a block holds at most 4000 MiB and a block id at most 64 bytes before encoding. */
const MAX_BLOCK_BYTES = 4000 * 1024 * 1024;
const MAX_BLOCK_ID_BYTES = 64;

class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Set for requests the toolkit should never send: they are violations, not just refusals. */
    readonly violation = false,
  ) {
    super(message);
  }
}

/** One request the storage answered: which Azure operation it was, on which blob, with what status. */
export interface BlobOperation {
  operation: "Put Block" | "Put Block List" | "Put Blob" | "Get Blob" | "Get Blob Properties" | "unsupported";
  path: string;
  status: number;
}

export class BlobStorage {
  readonly operations: BlobOperation[] = [];
  private readonly blobs = new Map<string, StoredBlob>();
  private readonly stagedBlocks = new Map<string, Map<string, Buffer>>();
  private readonly committedBlocks = new Map<string, Map<string, Buffer>>();

  constructor(
    private readonly signer: UrlSigner,
    private readonly baseUrl: string,
    private readonly reportViolation: (message: string) => void,
  ) {}

  /** A URL that may create and write the blob at `path` for an hour. */
  uploadUrl(path: string): string {
    return this.signer.sign(new URL(path, this.baseUrl), "cw");
  }

  /** A URL that may read the blob at `path` for an hour. */
  downloadUrl(path: string): string {
    return this.signer.sign(new URL(path, this.baseUrl), "r");
  }

  get(path: string): StoredBlob | undefined {
    return this.blobs.get(path);
  }

  handle(request: IncomingMessage, body: Buffer, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", this.baseUrl);
    const method = request.method ?? "GET";
    const comp = url.searchParams.get("comp");
    const operation = operationOf(method, comp);
    const record = (status: number) => this.operations.push({ operation, path: url.pathname, status });
    try {
      const verdict = this.signer.verify(url, method === "PUT" ? "w" : "r");
      if (!verdict.ok)
        throw new StorageError(
          403,
          "AuthenticationFailed",
          `Server failed to authenticate the request: ${verdict.reason}.`,
        );
      switch (operation) {
        case "Put Block":
          this.putBlock(url, request, body);
          break;
        case "Put Block List":
          this.putBlockList(url, request, body);
          break;
        case "Put Blob":
          this.putBlob(url, request, body);
          break;
        case "Get Blob":
        case "Get Blob Properties":
          this.getBlob(url, request, method, response);
          record(response.statusCode);
          return;
        case "unsupported":
          throw new StorageError(
            400,
            "UnsupportedHttpVerb",
            `The fake does not implement ${method} comp=${comp}.`,
            true,
          );
      }
      response.writeHead(201, this.createdHeaders(url.pathname, operation === "Put Block" ? body : undefined));
      response.end();
      record(201);
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      if (error.violation) this.reportViolation(`blob storage ${method} ${url.pathname}: ${error.message}`);
      const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error>`;
      response.writeHead(error.status, {
        ...commonHeaders(),
        "content-type": "application/xml",
        "x-ms-error-code": error.code,
      });
      response.end(method === "HEAD" ? undefined : xml);
      record(error.status);
    }
  }

  private putBlock(url: URL, request: IncomingMessage, body: Buffer): void {
    const blockId = url.searchParams.get("blockid") ?? "";
    const decoded = Buffer.from(blockId, "base64");
    if (!blockId || decoded.toString("base64") !== blockId || decoded.length > MAX_BLOCK_ID_BYTES) {
      throw new StorageError(
        400,
        "InvalidQueryParameterValue",
        `Value for one of the query parameters specified in the request URI is invalid: blockid "${blockId}".`,
      );
    }
    if (body.length > MAX_BLOCK_BYTES)
      throw new StorageError(413, "RequestBodyTooLarge", "The request body is too large.");
    checkChecksums(request, body);
    const staged = this.stagedBlocks.get(url.pathname) ?? new Map<string, Buffer>();
    const sameLength = [...staged.keys(), ...(this.committedBlocks.get(url.pathname)?.keys() ?? [])].every(
      (other) => Buffer.from(other, "base64").length === decoded.length,
    );
    if (!sameLength) {
      throw new StorageError(
        400,
        "InvalidBlobOrBlock",
        "The specified blob or block content is invalid: all block ids of a blob must have the same length.",
      );
    }
    staged.set(blockId, body);
    this.stagedBlocks.set(url.pathname, staged);
  }

  private putBlockList(url: URL, request: IncomingMessage, body: Buffer): void {
    const xml = body.toString("utf8");
    if (!/<BlockList>[\s\S]*<\/BlockList>/.test(xml)) {
      throw new StorageError(
        400,
        "InvalidXmlDocument",
        "XML specified is not syntactically valid: expected a BlockList.",
      );
    }
    const staged = this.stagedBlocks.get(url.pathname) ?? new Map<string, Buffer>();
    const committed = this.committedBlocks.get(url.pathname) ?? new Map<string, Buffer>();
    const blocks: Buffer[] = [];
    const kept = new Map<string, Buffer>();
    for (const [, kind, id] of xml.matchAll(/<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g)) {
      const block =
        kind === "Committed"
          ? committed.get(id as string)
          : kind === "Uncommitted"
            ? staged.get(id as string)
            : (staged.get(id as string) ?? committed.get(id as string));
      if (!block)
        throw new StorageError(
          400,
          "InvalidBlockList",
          `The specified block list is invalid: block "${id}" was not staged.`,
        );
      blocks.push(block);
      kept.set(id as string, block);
    }
    const content = Buffer.concat(blocks);
    const blobMd5 = request.headers["x-ms-blob-content-md5"];
    if (typeof blobMd5 === "string" && blobMd5 !== md5(content)) {
      throw new StorageError(
        400,
        "Md5Mismatch",
        "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
      );
    }
    this.stagedBlocks.delete(url.pathname);
    this.committedBlocks.set(url.pathname, kept);
    this.store(url.pathname, content, String(request.headers["x-ms-blob-content-type"] ?? "application/octet-stream"));
  }

  private putBlob(url: URL, request: IncomingMessage, body: Buffer): void {
    if (request.headers["x-ms-blob-type"] !== "BlockBlob") {
      throw new StorageError(
        400,
        "MissingRequiredHeader",
        "An HTTP header that's mandatory for this request is not specified: x-ms-blob-type.",
      );
    }
    checkChecksums(request, body);
    this.committedBlocks.delete(url.pathname);
    const contentType =
      request.headers["x-ms-blob-content-type"] ?? request.headers["content-type"] ?? "application/octet-stream";
    this.store(url.pathname, body, String(contentType));
  }

  private store(path: string, content: Buffer, contentType: string): void {
    const etag = `"0x${randomUUID().replace(/-/g, "").slice(0, 15).toUpperCase()}"`;
    this.blobs.set(path, { content, contentType, etag, lastModified: new Date() });
  }

  /** A staged block reports its own MD5; a written blob reports its ETag, date and MD5. */
  private createdHeaders(path: string, block: Buffer | undefined): Record<string, string> {
    const headers = { ...commonHeaders(), "x-ms-request-server-encrypted": "true" };
    if (block) return { ...headers, "content-md5": md5(block) };
    const blob = this.blobs.get(path) as StoredBlob;
    return {
      ...headers,
      etag: blob.etag,
      "last-modified": blob.lastModified.toUTCString(),
      "content-md5": md5(blob.content),
    };
  }

  private getBlob(url: URL, request: IncomingMessage, method: string, response: ServerResponse): void {
    const blob = this.blobs.get(url.pathname);
    if (!blob) throw new StorageError(404, "BlobNotFound", "The specified blob does not exist.");
    const headers = {
      ...commonHeaders(),
      "content-type": blob.contentType,
      etag: blob.etag,
      "last-modified": blob.lastModified.toUTCString(),
      "accept-ranges": "bytes",
      "x-ms-blob-type": "BlockBlob",
    };
    const range = request.headers["x-ms-range"] ?? request.headers.range;
    if (typeof range !== "string") {
      response.writeHead(200, {
        ...headers,
        "content-length": String(blob.content.length),
        "content-md5": md5(blob.content),
      });
      response.end(method === "HEAD" ? undefined : blob.content);
      return;
    }
    const match = /^bytes=(\d+)-(\d*)$/.exec(range);
    const start = Number(match?.[1]);
    const end = Math.min(match?.[2] ? Number(match[2]) : blob.content.length - 1, blob.content.length - 1);
    if (!match || start > end) {
      throw new StorageError(
        416,
        "InvalidRange",
        `The range specified is invalid for the current size of the resource: ${range}.`,
      );
    }
    const slice = blob.content.subarray(start, end + 1);
    response.writeHead(206, {
      ...headers,
      "content-length": String(slice.length),
      "content-range": `bytes ${start}-${end}/${blob.content.length}`,
    });
    response.end(method === "HEAD" ? undefined : slice);
  }
}

function operationOf(method: string, comp: string | null): BlobOperation["operation"] {
  if (method === "PUT" && comp === "block") return "Put Block";
  if (method === "PUT" && comp === "blocklist") return "Put Block List";
  if (method === "PUT" && comp === null) return "Put Blob";
  if (method === "GET" && comp === null) return "Get Blob";
  if (method === "HEAD" && comp === null) return "Get Blob Properties";
  return "unsupported";
}

/** Checks a transactional Content-MD5; other checksum schemes are refused rather than silently trusted. */
function checkChecksums(request: IncomingMessage, body: Buffer): void {
  const contentMd5 = request.headers["content-md5"];
  if (typeof contentMd5 === "string" && contentMd5 !== md5(body)) {
    throw new StorageError(
      400,
      "Md5Mismatch",
      "The MD5 value specified in the request did not match with the MD5 value calculated by the server.",
    );
  }
  for (const header of ["x-ms-content-crc64", "x-ms-structured-body"]) {
    if (request.headers[header] !== undefined) {
      throw new StorageError(
        400,
        "UnsupportedHeader",
        `The fake does not verify ${header}; the toolkit is not expected to send it.`,
        true,
      );
    }
  }
}

function commonHeaders(): Record<string, string> {
  return { "x-ms-request-id": randomUUID(), "x-ms-version": API_VERSION, date: new Date().toUTCString() };
}

function md5(content: Buffer): string {
  return createHash("md5").update(content).digest("base64");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
