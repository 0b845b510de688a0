import { StringDecoder } from "node:string_decoder";

/** One line a process wrote, and when it arrived (performance.now()). */
export interface ArrivedLine {
  text: string;
  at: number;
}

/**
 * Splits a stream's bytes into lines (LF or CRLF) and hands them out in order, each stamped with its arrival time,
 * so a latency ends when the answer arrived rather than when the awaiting code got round to it.
 */
export class LineReader {
  private readonly decoder = new StringDecoder("utf8");
  private readonly lines: ArrivedLine[] = [];
  private partial = "";
  private waiter: ((line: ArrivedLine | undefined) => void) | undefined;
  private ended = false;
  private overlong = false;

  constructor(private readonly maxLineChars: number) {}

  /** Set once a line grew past the limit; the reader then stops collecting. */
  get overflowed(): boolean {
    return this.overlong;
  }

  push(chunk: Buffer, at = performance.now()): void {
    if (this.overlong) return;
    const pieces = (this.partial + this.decoder.write(chunk)).split("\n");
    this.partial = pieces.pop()!;
    for (const piece of pieces) {
      if (piece.length > this.maxLineChars) return this.overflow();
      this.deliver({ text: piece.endsWith("\r") ? piece.slice(0, -1) : piece, at });
    }
    if (this.partial.length > this.maxLineChars) this.overflow();
  }

  private overflow(): void {
    this.overlong = true;
    this.end();
  }

  /** The stream closed: a last unterminated line still counts, then every wait ends with undefined. */
  end(): void {
    if (this.ended) return;
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest && !this.overlong) this.deliver({ text: rest, at: performance.now() });
    this.ended = true;
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  /** The next line, or undefined once the stream has ended. One caller waits at a time. */
  next(): Promise<ArrivedLine | undefined> {
    const line = this.lines.shift();
    if (line) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private deliver(line: ArrivedLine): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter(line);
    } else this.lines.push(line);
  }
}
