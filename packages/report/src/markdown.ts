import type { Block, Inline } from "./document.js";
import { CODE_LINE_MAX_CHARS, codeFence, htmlDataText, htmlText, markdownText, visibleLine } from "./escape.js";
import { mermaidChart } from "./mermaid.js";

// Labels are ctrain's own words and numbers: escaping only what could start markup keeps them short and readable.
const LABEL_MARKUP = /[\\`*_[\]<>&|~$]/g;

function markdownInline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case "text":
          return markdownText(node.value);
        case "label":
          return node.value.replace(LABEL_MARKUP, (char) => `\\${char}`);
        // Inline HTML rather than `**`, whose flanking rules fail next to escaped punctuation.
        case "strong":
          return `<b>${markdownInline(node.children)}</b>`;
        case "link":
          return `[${markdownInline(node.children)}](${node.href})`;
      }
    })
    .join("");
}

/** Inline content inside an HTML element (a `<summary>`), where markdown is not parsed. */
export function htmlInline(nodes: Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case "text":
          return htmlDataText(node.value);
        case "label":
          return htmlText(node.value);
        case "strong":
          return `<b>${htmlInline(node.children)}</b>`;
        case "link":
          return `<a href="${htmlText(node.href)}">${htmlInline(node.children)}</a>`;
      }
    })
    .join("");
}

export function markdownTableRow(cells: Inline[][]): string {
  return `| ${cells.map((cell) => markdownInline(cell) || " ").join(" | ")} |`;
}

function markdownBlock(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `${"#".repeat(block.level)} ${markdownInline(block.children)}`;
    case "paragraph":
      return markdownInline(block.children);
    case "list":
      return block.items.map((item) => `- ${markdownInline(item)}`).join("\n");
    case "table": {
      const align = block.head.map((_, index) => (block.align?.[index] === "right" ? "---:" : "---"));
      return [markdownTableRow(block.head), `| ${align.join(" | ")} |`, ...block.rows.map(markdownTableRow)].join("\n");
    }
    case "details":
      return [
        `<details><summary>${htmlInline(block.summary)}</summary>`,
        markdownBlocks(block.blocks),
        "</details>",
      ].join("\n\n");
    case "chart":
      return ["```mermaid", ...mermaidChart(block.chart), "```"].join("\n");
    case "code": {
      const content = block.lines.map((line) => visibleLine(line, CODE_LINE_MAX_CHARS)).join("\n");
      const fence = codeFence(content);
      return `${fence}text\n${content}\n${fence}`;
    }
  }
}

export function markdownBlocks(blocks: Block[]): string {
  return blocks.map(markdownBlock).join("\n\n");
}
