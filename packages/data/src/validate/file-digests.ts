import { statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { sha256FileSync, type FileDigest, type Sha256Digest } from "@ctrain/core";

/**
 * The worker's body, as source (an eval'd worker needs no file of its own in the bundle): it hashes each path it is
 * sent, in order, with core's self-contained sha256FileSync, and posts the digest.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const sha256FileSync = ${String(sha256FileSync)};
parentPort.on("message", (path) => {
  if (path === null) return parentPort.close();
  parentPort.postMessage({ path, ...sha256FileSync(path) });
});
`;

/**
 * Bytes hashed on the calling thread before a worker takes over: starting a worker costs about 40 ms, hashing
 * 32 MiB about the same, so small datasets never start one.
 */
const INLINE_BYTES = 32 * 1024 * 1024;

/**
 * Hashes a dataset's files (sha256) while they are being read; files are added as reading reaches them. Past the
 * first 32 MiB the hashing moves to a worker thread, so sha256 (about 0.8 GB/s on one core) runs beside the parse
 * of the same files instead of slowing it.
 */
export class FileDigester {
  private worker?: { thread: Worker; done: Promise<void> };
  private inlineBytes = 0;
  private readonly files: { path: string; recordAs: string }[] = [];
  private readonly digests = new Map<string, Sha256Digest>();

  /** Queues a file: its absolute path, and the relative path documents record. */
  add(path: string, recordAs: string): void {
    this.files.push({ path, recordAs });
    const size = statSync(path).size;
    if (!this.worker && this.inlineBytes + size <= INLINE_BYTES) {
      this.inlineBytes += size;
      this.digests.set(path, sha256FileSync(path));
      return;
    }
    (this.worker ??= this.startWorker()).thread.postMessage(path);
  }

  /** The digests of every file added, in the order added. */
  async finish(): Promise<FileDigest[]> {
    if (this.worker) {
      this.worker.thread.postMessage(null);
      await this.worker.done;
    }
    return this.files.map(({ path, recordAs }) => {
      const digest = this.digests.get(path);
      if (!digest) throw new Error(`the file digest worker stopped before hashing ${path}`);
      return { path: recordAs, bytes: digest.bytes, sha256: digest.sha256 };
    });
  }

  /** Stops hashing (the read failed). */
  async cancel(): Promise<void> {
    await this.worker?.thread.terminate();
  }

  private startWorker(): { thread: Worker; done: Promise<void> } {
    const thread = new Worker(WORKER_SOURCE, { eval: true });
    thread.on("message", (digest: Sha256Digest & { path: string }) => this.digests.set(digest.path, digest));
    const done = new Promise<void>((resolve, reject) => {
      thread.on("error", reject);
      thread.on("exit", () => resolve());
    });
    return { thread, done };
  }
}
