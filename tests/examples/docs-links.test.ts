import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./workflow-files.js";

const PAGES = ["docs/workflows.md", "docs/troubleshooting.md", "docs/comparison.md", "docs/how-it-fits.md"];

/** GitHub's heading anchors: lower case, punctuation dropped (hyphens and underscores kept), spaces as hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```$/gm, "");
  return new Set(
    [...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
      match[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-"),
    ),
  );
}

describe("the workflow and troubleshooting docs", () => {
  it.each(PAGES)("%s links only to files and headings that exist", (page) => {
    const text = readFileSync(join(root, page), "utf8");
    const links = [...text.replace(/^```[\s\S]*?^```$/gm, "").matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
    expect(links.length).toBeGreaterThan(0);
    const broken = links
      .filter((link) => !/^https?:/.test(link))
      .filter((link) => {
        const [path, anchor] = link.split("#");
        const target = path ? join(root, dirname(page), path) : join(root, page);
        if (!existsSync(target)) return true;
        if (!anchor || !target.endsWith(".md")) return false;
        return !anchorsOf(readFileSync(target, "utf8")).has(anchor);
      })
      .map((link) => `${relative(root, join(root, page))}: ${link}`);
    expect(broken).toEqual([]);
  });
});
