import { sha256Hex } from "./digest.js";

/** Hidden in the release text so a re-run finds the version it already published without downloading anything. */
const MARKER = /<!-- ctrain:bundle sha256:([0-9a-f]{64}) -->/;

export function releaseBody(summary: string, bundleDigest: string): string {
  return `${summary}\n\nThe model card, the manifest with every file's sha256, and the run's records are attached.\n\n<!-- ctrain:bundle sha256:${bundleDigest} -->\n`;
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
