/**
 * The fake's storage side: signed URLs that GitHub's download redirects point to (artifact archives, release
 * assets), and the web `browser_download_url` of public release assets.
 */
import type { ServerResponse } from "node:http";
import type { UrlSigner } from "../signed-url.js";
import type { RenderContext } from "./render/accounts.js";
import type { FakeGitHubState } from "./state.js";

const BROWSER_DOWNLOAD = /^\/([^/]+)\/([^/]+)\/releases\/download\/([^/]+)\/([^/]+)$/;

/** Answers the request when it is a storage or web download; returns false for API requests. */
export function serveDownload(
  state: FakeGitHubState,
  signer: UrlSigner,
  context: RenderContext,
  requestUrl: URL,
  method: string,
  response: ServerResponse,
): boolean {
  if (requestUrl.pathname.startsWith("/_blobs/")) {
    serveBlob(state, signer, requestUrl, method, response);
    return true;
  }
  const browserDownload = BROWSER_DOWNLOAD.exec(requestUrl.pathname);
  if (browserDownload && method === "GET") {
    redirectBrowserDownload(state, context, browserDownload.slice(1), response);
    return true;
  }
  return false;
}

function serveBlob(
  state: FakeGitHubState,
  signer: UrlSigner,
  requestUrl: URL,
  method: string,
  response: ServerResponse,
): void {
  const verdict = signer.verify(requestUrl, "r");
  if (!verdict.ok) return sendStorageError(response, 403, "AuthenticationFailed", verdict.reason);
  const [, , kind, idText] = requestUrl.pathname.split("/");
  const id = Number(idText);
  for (const repo of state.repos.values()) {
    const artifact = kind === "artifacts" ? repo.artifacts.get(id) : undefined;
    const asset = kind === "release-assets" ? repo.assets.get(id) : undefined;
    const blob = artifact
      ? {
          content: artifact.content,
          type: artifact.contentType,
          name: artifact.contentType === "application/zip" ? `${artifact.name}.zip` : artifact.name,
        }
      : asset
        ? { content: asset.content, type: asset.contentType, name: asset.name }
        : undefined;
    if (!blob) continue;
    response.writeHead(200, {
      "content-type": blob.type,
      "content-length": String(blob.content.length),
      "content-disposition": `attachment; filename=${blob.name.replace(/[^\x20-\x7e]|"/g, "_")}; filename*=UTF-8''${encodeURIComponent(blob.name)}`,
    });
    response.end(method === "HEAD" ? undefined : blob.content);
    return;
  }
  sendStorageError(response, 404, "BlobNotFound", "The specified blob does not exist.");
}

function redirectBrowserDownload(
  state: FakeGitHubState,
  context: RenderContext,
  [owner, name, tag, file]: string[],
  response: ServerResponse,
): void {
  const repo = state.findRepo(owner ?? "", name ?? "");
  const release =
    repo &&
    [...repo.releases.values()].find(
      (candidate) => !candidate.draft && candidate.tagName === decodeURIComponent(tag ?? ""),
    );
  const asset =
    release &&
    release.assetIds
      .map((id) => repo.assets.get(id))
      .find((candidate) => candidate?.name === decodeURIComponent(file ?? ""));
  // The web download needs a browser session for private repositories, which the fake does not have.
  if (!repo || repo.private || !asset || asset.state !== "uploaded") {
    response.writeHead(404, { "content-type": "text/plain" });
    response.end("Not Found");
    return;
  }
  asset.downloadCount += 1;
  response.writeHead(302, { location: context.downloadUrl(`release-assets/${asset.id}`, 300) });
  response.end();
}

function sendStorageError(response: ServerResponse, status: number, code: string, message: string): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  response.writeHead(status, {
    "content-type": "application/xml",
    "x-ms-error-code": code,
    "content-length": String(Buffer.byteLength(xml)),
  });
  response.end(xml);
}
