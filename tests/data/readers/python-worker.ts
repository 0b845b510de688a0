import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** A long-lived `/usr/bin/python3` running a script of tests/reference that answers one JSON line per request. */
export class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (answer: unknown) => void; reject: (error: Error) => void }[] = [];
  private stderr = "";

  constructor(referenceScript: string) {
    const script = fileURLToPath(new URL(`../../reference/${referenceScript}`, import.meta.url));
    this.child = spawn("/usr/bin/python3", [script], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: this.child.stdout }).on("line", (line) => this.waiting.shift()?.resolve(JSON.parse(line)));
    this.child.on("exit", (code) => {
      const error = new Error(`${referenceScript} exited with ${code}: ${this.stderr}`);
      for (const waiter of this.waiting.splice(0)) waiter.reject(error);
    });
  }

  ask<Answer>(request: unknown): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      this.waiting.push({ resolve: resolve as (answer: unknown) => void, reject });
      this.child.stdin.write(`${JSON.stringify(request)}\n`);
    });
  }

  close(): void {
    this.child.stdin.end();
  }
}
