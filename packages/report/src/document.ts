/**
 * The report as a small document tree, written once by the sections and serialized twice: to GitHub markdown (comment,
 * summary, report.md) and to a self-contained HTML page. Text nodes hold data and are escaped by each serializer for
 * its target; only the serializers emit markup.
 */

export type Inline =
  | { kind: "text"; value: string }
  /** Text ctrain wrote itself (labels, numbers, icons): still escaped, but never cut or defused. */
  | { kind: "label"; value: string }
  | { kind: "strong"; children: Inline[] }
  /** Only ever built from URLs that passed `trustedUrl`. */
  | { kind: "link"; href: string; children: Inline[] };

export interface Chart {
  title: string;
  /** Category labels along the x axis (commits, steps). */
  x: string[];
  xLabel: string;
  /** One or more lines sharing the x axis. */
  series: { name: string; values: number[] }[];
  /** The range run-to-run noise covers: the y axis always spans it, so a change inside it is drawn flat. */
  band?: { low: number; high: number; name: string };
}

export type Block =
  | { kind: "heading"; level: 2 | 3 | 4; children: Inline[] }
  | { kind: "paragraph"; children: Inline[] }
  | { kind: "list"; items: Inline[][] }
  | { kind: "table"; head: Inline[][]; rows: Inline[][][]; align?: ("left" | "right")[] }
  | { kind: "details"; summary: Inline[]; blocks: Block[] }
  | { kind: "chart"; chart: Chart }
  | { kind: "code"; lines: string[] };

export type Cell = Inline[];

export const text = (value: string): Inline => ({ kind: "text", value });
export const label = (value: string): Inline => ({ kind: "label", value });
export const strong = (...children: Inline[]): Inline => ({ kind: "strong", children });
export const link = (href: string, ...children: Inline[]): Inline => ({ kind: "link", href, children });

export const paragraph = (...children: Inline[]): Block => ({ kind: "paragraph", children });
export const heading = (level: 2 | 3 | 4, ...children: Inline[]): Block => ({ kind: "heading", level, children });

/** The characters a reader sees, for plain-text surfaces (a check run's title). */
export function plainText(nodes: Inline[]): string {
  return nodes
    .map((node) => (node.kind === "text" || node.kind === "label" ? node.value : plainText(node.children)))
    .join("");
}

export function joinInline(parts: Inline[][], separator: string): Inline[] {
  return parts.flatMap((part, index) => (index ? [label(separator), ...part] : part));
}
