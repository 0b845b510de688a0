import { describe, expect, it } from "vitest";
import { publishSummary } from "@ctrain/publish";

describe("the publish job summary", () => {
  it("shows the release page as a link and the approval reason as text", () => {
    const summary = publishSummary(
      "published",
      "churn@v1.2.0",
      "https://github.com/octo/churn/releases/tag/churn%40v1.2.0",
      "approved by octocat in environment production",
    );
    // The link text is escaped (a zero-width space after "https:" keeps it from being linked twice); the target is not.
    expect(summary).toBe(
      "### Published `churn@v1.2.0`\n\n" +
        "[https\\:\u200b\\/\\/github\\.com\\/octo\\/churn\\/releases\\/tag\\/churn\\%40v1\\.2\\.0]" +
        "(https://github.com/octo/churn/releases/tag/churn%40v1.2.0)\n\n" +
        "Approval: approved by octocat in environment production\n",
    );
  });

  it("keeps a hostile reason and release address from making markup, mentions or links", () => {
    const summary = publishSummary(
      "resumed",
      "churn@v1.2.0",
      "javascript:alert(1)//) [x](https://evil.example",
      "approved by @org/admins <img src=x onerror=alert(1)> [click](https://evil.example) ![t](https://t.example/p.png)",
    );
    // Every character that could open markup, a link, an image or a mention is escaped.
    const body = summary.split("\n").slice(1).join("\n");
    expect(body).not.toMatch(/[^\\][<[\]()!]|[^\\]@[^\u200b]/);
    expect(summary).toContain("\\<img");
    expect(summary).toContain("\\@\u200borg");
    expect(summary).toContain("javascript\\:alert\\(1\\)");
    expect(summary).toContain("### Finished publishing `churn@v1.2.0`");
  });
});
