/**
 * Text from data, config, files or other runs, made inert for the GitHub runner before it reaches a log line.
 *
 * The runner reads every output line (split at CR, LF or CRLF) as a workflow command when, after its leading
 * whitespace, it starts with `::` (`::error::...`, `::add-mask::...`, `::stop-commands::...`), and also when
 * `##[` appears anywhere in it (the runner's older `##[command]data` form, still parsed). Escaping uses the
 * toolkit's percent encoding, so a reader can tell an escaped character from a typed one.
 */

/** Whitespace the runner trims before looking for `::` (.NET's `TrimStart`, which also trims U+0085). */
const LEADING_SPACE = String.raw`(?:[^\S\r\n]|\u0085)*`;
const COMMAND_AT_LINE_START = new RegExp(String.raw`(^|[\r\n])(${LEADING_SPACE}):(?=:)`, "g");
const OLD_COMMAND_MARKER = /##\[/g;

/**
 * Untrusted text as one inert line: `%`, CR and LF escaped as the toolkit escapes a command's data
 * (`%25`, `%0D`, `%0A`), and a leading `::` or any `##[` escaped too, so the text cannot start a command
 * wherever it is placed in a line.
 */
export function inertText(text: string): string {
  return inertLines(text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A"));
}

/**
 * Output text with its line breaks kept, where no line can be read as a workflow command: a line that would
 * start with `::` gets its first colon escaped (`%3A:`), and `##[` becomes `##%5B`.
 */
export function inertLines(text: string): string {
  return text.replace(COMMAND_AT_LINE_START, "$1$2%3A").replace(OLD_COMMAND_MARKER, "##%5B");
}

/** Where the current output line stands, as far as what comes next could still complete a command marker. */
interface LineState {
  /** The line so far is only whitespace (then `::` may still start it), or whitespace and one colon. */
  start: "blank" | "colon" | "text";
  /** How many `#` end the line so far (0 to 2): a following `[` or `#[` would complete `##[`. */
  hashes: number;
}

/**
 * A stream's one writer for everything ctrain prints: each write is made inert by `inertLines`, and a write
 * that continues a line is checked together with what the line already holds, so a command cannot be
 * assembled from two writes either.
 */
export class InertWriter {
  private state: LineState = { start: "blank", hashes: 0 };

  constructor(private readonly stream: { write(text: string): unknown }) {}

  write(text: string): void {
    if (text === "") return;
    const inert = this.escape(text);
    this.state = nextLineState(this.state, inert);
    this.stream.write(inert);
  }

  private escape(text: string): string {
    const { start, hashes } = this.state;
    if (start === "blank") return inertLines(text);
    let rest = text;
    if (start === "colon" && rest.startsWith(":")) rest = `%3A${rest.slice(1)}`;
    const bracket = /^#*\[/.exec(rest)?.[0].length ?? 0;
    if (bracket > 0 && hashes + bracket - 1 >= 2) rest = `${rest.slice(0, bracket - 1)}%5B${rest.slice(bracket)}`;
    // Mid-line, so the write's start is no line start: a placeholder letter keeps `inertLines` from treating it as one.
    return inertLines(`x${rest}`).slice(1);
  }
}

function nextLineState(previous: LineState, written: string): LineState {
  const lastBreak = Math.max(written.lastIndexOf("\n"), written.lastIndexOf("\r"));
  const tail = written.slice(lastBreak + 1);
  const start = lastBreak >= 0 || previous.start === "blank" ? startOf(tail) : tail === "" ? previous.start : "text";
  const trailingHashes = tail.length - tail.replace(/#+$/, "").length;
  const hashes = Math.min(
    2,
    trailingHashes === tail.length && lastBreak < 0 ? previous.hashes + trailingHashes : trailingHashes,
  );
  return { start, hashes };
}

function startOf(lineSoFar: string): LineState["start"] {
  const trimmed = lineSoFar.replace(new RegExp(`^${LEADING_SPACE}`), "");
  return trimmed === "" ? "blank" : trimmed === ":" ? "colon" : "text";
}
