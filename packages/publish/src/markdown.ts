import { formatNumber, markdownText } from "@ctrain/report";

/** Inline code that cannot be closed early by a backtick in the text. */
export function inlineCode(text: string): string {
  const clean = text.replace(/[\r\n]+/g, " ");
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longestRun + 1);
  const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  return `${fence}${pad}${clean}${pad}${fence}`;
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "-";
  if (typeof value === "number") return formatNumber(value);
  if (value === null) return "null";
  return markdownText(String(value));
}

export function markdownTable(header: string[], align: ("l" | "r")[], rows: string[][]): string {
  const separator = align.map((side) => (side === "r" ? "---:" : "---"));
  return [header, separator, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
