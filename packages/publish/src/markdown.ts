/** Markdown that carries text from data and users without letting it format, link or break out of a table. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_{}[\]()#+!|~])/g, "\\$1");
}

/** Inline code that cannot be closed early by a backtick in the text. */
export function inlineCode(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

/** Four significant digits, no trailing zeros; exponent form for very large or small magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞";
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e9)) return value.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(4)));
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "-";
  if (typeof value === "number") return formatNumber(value);
  if (value === null) return "null";
  return escapeMarkdown(String(value));
}

export function markdownTable(header: string[], align: ("l" | "r")[], rows: string[][]): string {
  const separator = align.map((side) => (side === "r" ? "---:" : "---"));
  return [header, separator, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
