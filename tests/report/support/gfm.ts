import type { Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";

/** Parses markdown the way GitHub does (CommonMark + GFM tables, autolinks, strikethrough, task lists, footnotes). */
export function parseGfm(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export function nodesOf<T extends Nodes["type"]>(tree: Nodes, type: T): Extract<Nodes, { type: T }>[] {
  const found: Extract<Nodes, { type: T }>[] = [];
  const walk = (node: Nodes): void => {
    if (node.type === type) found.push(node as Extract<Nodes, { type: T }>);
    if ("children" in node) for (const child of node.children) walk(child as Nodes);
  };
  walk(tree);
  return found;
}

/** The text a node renders, zero-width spaces included, as GitHub's mention and autolink filters see it. */
export function renderedText(node: Nodes): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value;
  if ("children" in node) return node.children.map((child) => renderedText(child as Nodes)).join(" ");
  return "";
}

/** What a reader sees of a node: its text without the zero-width spaces that defuse mentions and autolinks. */
export function visibleText(node: Nodes): string {
  if ("children" in node) return node.children.map((child) => visibleText(child as Nodes)).join("");
  return renderedText(node).replace(/\u200B/g, "");
}

/** Patterns GitHub turns into pings or links after markdown is rendered. */
export const LIVE_REFERENCE = /@[A-Za-z0-9]|:\/\/|\bwww\.|#\d|\bgh-\d/i;

/** The markup ctrain itself writes as raw HTML; anything else in an html node came from data. */
export const OWN_HTML =
  /^(<b>|<\/b>|<\/details>|<!-- ctrain:report:[A-Za-z0-9._-]+ -->|<details><summary>[^<>]*(<b>[^<>]*<\/b>[^<>]*)*<\/summary>)$/;
