import type { Block } from "./document.js";
import { CODE_LINE_MAX_CHARS, htmlText, visibleLine } from "./escape.js";
import { htmlInline } from "./markdown.js";
import { svgChart } from "./svg.js";

const STYLE = `
body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #d0d7de; padding: 4px 10px; vertical-align: top; }
th { background: #f6f8fa; }
td.right, th.right { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: 1em 0; } summary { cursor: pointer; font-weight: 600; }
pre { background: #f6f8fa; padding: 1em; overflow-x: auto; }
svg { max-width: 100%; height: auto; display: block; margin: 1em 0; }
`;

function cellTag(tag: "th" | "td", content: string, align: "left" | "right" | undefined): string {
  return align === "right" ? `<${tag} class="right">${content}</${tag}>` : `<${tag}>${content}</${tag}>`;
}

function htmlBlock(block: Block): string {
  switch (block.kind) {
    case "heading":
      return `<h${block.level}>${htmlInline(block.children)}</h${block.level}>`;
    case "paragraph":
      return `<p>${htmlInline(block.children)}</p>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${htmlInline(item)}</li>`).join("")}</ul>`;
    case "table": {
      const head = block.head.map((cell, index) => cellTag("th", htmlInline(cell), block.align?.[index])).join("");
      const rows = block.rows
        .map(
          (row) =>
            `<tr>${row.map((cell, index) => cellTag("td", htmlInline(cell), block.align?.[index])).join("")}</tr>`,
        )
        .join("\n");
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    case "details":
      return `<details><summary>${htmlInline(block.summary)}</summary>\n${htmlBlocks(block.blocks)}\n</details>`;
    case "chart":
      return svgChart(block.chart);
    case "code":
      return `<pre><code>${block.lines.map((line) => htmlText(visibleLine(line, CODE_LINE_MAX_CHARS))).join("\n")}</code></pre>`;
  }
}

function htmlBlocks(blocks: Block[]): string {
  return blocks.map(htmlBlock).join("\n");
}

/**
 * A self-contained page: inline CSS and SVG, no scripts, and a Content-Security-Policy that forbids fetching
 * anything, so opening a report from an untrusted bundle cannot reach the network.
 */
export function htmlPage(title: string, blocks: Block[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${htmlText(visibleLine(title, 200))}</title>
<style>${STYLE}</style>
</head>
<body>
${htmlBlocks(blocks)}
</body>
</html>
`;
}
