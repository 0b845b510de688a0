/**
 * Every string that came from data or users (metric, param and column names, category values, labels, messages)
 * passes through here before it reaches markdown or HTML, so that it renders as the characters it holds and nothing
 * more: no markup, no HTML, no links or images, no @mention pings, no escape from a table cell or a code fence.
 */

/** Longest data string kept in a report; names and values beyond it are cut with an ellipsis. */
const DATA_TEXT_MAX_CHARS = 200;
/** Longest log line kept in a code block. */
export const CODE_LINE_MAX_CHARS = 500;

const ZERO_WIDTH_SPACE = "\u200B";
// C0/C1 controls, and the bidirectional overrides that can make text read differently from what it holds.
const INVISIBLE_CONTROLS =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const LINE_BREAKS = /[\t\n\r\u2028\u2029]+/g;

/** One line with its spacing kept (for code blocks): controls dropped, line breaks turned to spaces, cut to length. */
export function visibleLine(value: string, maxChars: number): string {
  return truncate(value.replace(INVISIBLE_CONTROLS, "").replace(LINE_BREAKS, " "), maxChars);
}

/** One line of visible text: controls dropped, runs of spaces and line breaks folded to one space, cut to length. */
export function singleLine(value: string, maxChars = DATA_TEXT_MAX_CHARS): string {
  return truncate(
    value.replace(INVISIBLE_CONTROLS, "").replace(LINE_BREAKS, " ").replace(/ {2,}/g, " ").trim(),
    maxChars,
  );
}

/** `value` cut to at most `maxChars` code points, the last one an ellipsis when something was cut. */
export function truncate(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  const codePoints = [...value];
  return codePoints.length > maxChars ? codePoints.slice(0, maxChars - 1).join("") + "…" : value;
}

/**
 * GitHub links @mentions, #123 and GH-123 references, bare URLs and `www.` hosts in rendered text, after markdown
 * escapes are gone; a zero-width space inside each pattern keeps the text readable and the link out.
 */
export function defuseAutolinks(text: string): string {
  // One pass over the patterns: @mention, #123, GH-123, scheme://, www.
  return text.replace(/@|#(?=\d)|\bgh(?=-\d)|:(?=\/\/)|\bwww(?=\.)/gi, (match) => `${match}${ZERO_WIDTH_SPACE}`);
}

// CommonMark lets any ASCII punctuation be backslash-escaped; escaping all of it leaves no markup to interpret.
const MARKDOWN_PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** Data text for a markdown paragraph or table cell. */
export function markdownText(value: string, maxChars = DATA_TEXT_MAX_CHARS): string {
  return defuseAutolinks(singleLine(value, maxChars)).replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`);
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text (ours or data) for HTML content or a quoted attribute. */
export function htmlText(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ENTITIES[char]!);
}

/** Data text for HTML, including HTML inside a GitHub comment (where mentions are still linked). */
export function htmlDataText(value: string, maxChars = DATA_TEXT_MAX_CHARS): string {
  return htmlText(defuseAutolinks(singleLine(value, maxChars)));
}

/** A fence that no run of backticks in `content` can close early. */
export function codeFence(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  return "`".repeat(Math.max(3, longest + 1));
}
