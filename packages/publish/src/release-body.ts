import { markdownText } from "@ctrain/report";
import { sha256Hex } from "./digest.js";
import type { ApprovalRecord } from "./manifest.js";

/** Hidden in the release text so a re-run finds the version it already published without downloading anything. */
const MARKER = /<!-- ctrain:bundle sha256:([0-9a-f]{64}) -->/;

/** Approval reasons name environments and people as GitHub returned them; long enough to keep every name. */
const APPROVAL_TEXT_MAX_CHARS = 2000;

/**
 * Who approved, as the approval policy read it from GitHub (never from config), made inert: logins and environment
 * names cannot mention, link or format.
 */
function approvalLines(approval: ApprovalRecord): string[] {
  const lines = [`Approval: ${markdownText(approval.reason, APPROVAL_TEXT_MAX_CHARS)}`];
  if (approval.approvers.length) {
    lines.push(`Approved by: ${approval.approvers.map((login) => markdownText(login)).join(", ")}`);
  }
  return lines;
}

export function releaseBody(summary: string, bundleDigest: string, approval: ApprovalRecord): string {
  return [
    summary,
    "",
    approvalLines(approval).join("  \n"),
    "",
    "The model card, the manifest with every file's sha256, and the run's records are attached.",
    "",
    `<!-- ctrain:bundle sha256:${bundleDigest} -->`,
    "",
  ].join("\n");
}

export function readBundleMarker(body: string | null | undefined): string | undefined {
  return body ? MARKER.exec(body)?.[1] : undefined;
}

/**
 * Identity of a run bundle: the model name and the digests of the run's records and model files. The model card is
 * left out because it mentions the previous release, which changes once this one is published.
 */
export function bundleDigest(model: string, files: readonly { role: string; path: string; sha256: string }[]): string {
  const lines = files.map((file) => `${file.role} ${file.sha256} ${file.path}`).sort();
  return sha256Hex([`ctrain.bundle/v1 ${model}`, ...lines].join("\n"));
}
