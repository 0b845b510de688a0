import { StringDecoder } from "node:string_decoder";
import { stripVTControlCharacters } from "node:util";

/** run.json keeps each log line to this many characters. */
export const LOG_LINE_MAX_CHARS = 10_000;

/**
 * Keeps the last lines of a command's output in a ring buffer, so memory stays flat however much it prints.
 * Lines end at LF or CRLF; a lone CR restarts the line (progress bars redraw that way) and colour codes are
 * dropped, so the tail shows what a terminal would have shown last.
 */
export class LogTail {
  private readonly ring: string[];
  private next = 0;
  private stored = 0;
  private lines = 0;
  private current = "";
  private carriageReturnPending = false;
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    readonly capacity: number,
    private readonly maxLineChars = LOG_LINE_MAX_CHARS,
  ) {
    this.ring = new Array<string>(capacity);
  }

  /** Lines completed so far (all of them, not just the kept ones). */
  get totalLines(): number {
    return this.lines;
  }

  push(chunk: Buffer): void {
    let text = this.decoder.write(chunk);
    if (this.carriageReturnPending) {
      text = "\r" + text;
      this.carriageReturnPending = false;
    }
    // A CR at the end may be the first half of a CRLF split across chunks: decide when the next byte arrives.
    if (text.endsWith("\r")) {
      this.carriageReturnPending = true;
      text = text.slice(0, -1);
    }
    let start = 0;
    for (const match of text.matchAll(/\r\n|\n|\r/g)) {
      this.append(text.slice(start, match.index));
      if (match[0] === "\r") this.current = "";
      else this.finishLine();
      start = match.index + match[0].length;
    }
    this.append(text.slice(start));
  }

  /** Flushes a last line that had no line break. */
  end(): void {
    this.append(this.decoder.end());
    this.carriageReturnPending = false;
    if (this.current !== "") this.finishLine();
  }

  /** The kept lines, oldest first. */
  toArray(): string[] {
    const start = (this.next - this.stored + this.capacity) % Math.max(this.capacity, 1);
    return Array.from({ length: this.stored }, (_, index) => this.ring[(start + index) % this.capacity]!);
  }

  private append(text: string): void {
    // Bounded even for a progress bar that never prints a newline.
    if (this.current.length < this.maxLineChars) this.current += text.slice(0, this.maxLineChars - this.current.length);
  }

  private finishLine(): void {
    this.lines++;
    if (this.capacity > 0) {
      this.ring[this.next] = stripVTControlCharacters(this.current);
      this.next = (this.next + 1) % this.capacity;
      this.stored = Math.min(this.stored + 1, this.capacity);
    }
    this.current = "";
  }
}
