/**
 * `github.actions.results.api.v1.ArtifactService`: what `@actions/artifact` calls inside a job. A finalized upload
 * becomes an artifact of the GitHub fake's workflow run, so REST (`/actions/runs/{id}/artifacts`, the zip download)
 * and other runs see it exactly as GitHub would show it.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { GitHubFake } from "../github-fake/index.js";
import type { ArtifactRecord, RepoRecord, WorkflowRunRecord } from "../github-fake/records.js";
import type { BlobStorage } from "./blob-storage.js";
import type { RuntimeClaims } from "./runtime-token.js";
import { requireOwnRun, twirpMethod, TwirpError, type TwirpService } from "./twirp.js";

const runAndJob = {
  workflow_run_backend_id: z.string().min(1),
  workflow_job_run_backend_id: z.string().min(1),
};
/** int64 travels as a decimal string in protobuf JSON. */
const int64 = z.string().regex(/^-?\d+$/);

interface PendingUpload {
  jobBackendId: string;
  blobPath: string;
  mimeType: string;
  expiresAt: string | undefined;
}

export function artifactService(github: GitHubFake, storage: BlobStorage, account: string): TwirpService {
  const pending = new Map<string, PendingUpload>();

  function runOf(claims: RuntimeClaims): { repo: RepoRecord; run: WorkflowRunRecord } {
    const found = github.state.findRunByBackendId(claims.workflowRunBackendId);
    if (!found) throw new TwirpError("not_found", `no workflow run has backend id ${claims.workflowRunBackendId}`);
    return found;
  }

  function liveArtifacts(repo: RepoRecord, run: WorkflowRunRecord): ArtifactRecord[] {
    return [...repo.artifacts.values()].filter(
      (artifact) => artifact.runId === run.id && !github.state.isExpired(artifact),
    );
  }

  return {
    CreateArtifact: twirpMethod(
      z.strictObject({
        ...runAndJob,
        name: z.string().min(1),
        expires_at: z.iso.datetime({ offset: true }).optional(),
        version: z.number().int().min(4).optional(),
        mime_type: z.string().optional(),
      }),
      (request, claims) => {
        requireOwnRun(claims, request);
        const { repo, run } = runOf(claims);
        const key = `${run.id}/${request.name}`;
        if (pending.has(key) || liveArtifacts(repo, run).some((artifact) => artifact.name === request.name)) {
          throw new TwirpError(
            "already_exists",
            `an artifact named "${request.name}" already exists on this workflow run`,
          );
        }
        const mimeType = request.mime_type ?? "application/zip";
        const digest = createHash("sha256").update(key).digest("hex");
        const blobPath = `/${account}/actions-results/${run.backendId}/${request.workflow_job_run_backend_id}/artifacts/${digest}${mimeType === "application/zip" ? ".zip" : ""}`;
        pending.set(key, {
          jobBackendId: request.workflow_job_run_backend_id,
          blobPath,
          mimeType,
          expiresAt: request.expires_at,
        });
        return { ok: true, signed_upload_url: storage.uploadUrl(blobPath) };
      },
    ),

    FinalizeArtifact: twirpMethod(
      z.strictObject({ ...runAndJob, name: z.string().min(1), size: int64.optional(), hash: z.string().optional() }),
      (request, claims) => {
        requireOwnRun(claims, request);
        const { run } = runOf(claims);
        const key = `${run.id}/${request.name}`;
        const upload = pending.get(key);
        if (!upload) throw new TwirpError("not_found", `no artifact named "${request.name}" is being uploaded`);
        const blob = storage.get(upload.blobPath);
        if (!blob) throw new TwirpError("failed_precondition", "the artifact's blob was never committed");
        const size = request.size ?? "0";
        if (size !== String(blob.content.length)) {
          throw new TwirpError(
            "invalid_argument",
            `size ${size} does not match the ${blob.content.length} bytes uploaded`,
          );
        }
        const digest = `sha256:${createHash("sha256").update(blob.content).digest("hex")}`;
        if (request.hash !== undefined && request.hash !== digest) {
          throw new TwirpError(
            "invalid_argument",
            `hash ${request.hash} does not match the uploaded content (${digest})`,
          );
        }
        pending.delete(key);
        const artifact = github.state.addArtifact(run.id, {
          name: request.name,
          content: blob.content,
          contentType: upload.mimeType,
          expiresAt: upload.expiresAt,
          jobBackendId: upload.jobBackendId,
        });
        return { ok: true, artifact_id: String(artifact.id) };
      },
    ),

    ListArtifacts: twirpMethod(
      z.strictObject({ ...runAndJob, name_filter: z.string().optional(), id_filter: int64.optional() }),
      (request, claims) => {
        requireOwnRun(claims, request);
        const { repo, run } = runOf(claims);
        const artifacts = liveArtifacts(repo, run).filter(
          (artifact) =>
            (request.name_filter === undefined || artifact.name === request.name_filter) &&
            (request.id_filter === undefined || String(artifact.id) === request.id_filter),
        );
        return {
          artifacts: artifacts.map((artifact) => ({
            workflow_run_backend_id: run.backendId,
            workflow_job_run_backend_id: artifact.jobBackendId,
            database_id: String(artifact.id),
            name: artifact.name,
            size: String(artifact.content.length),
            created_at: artifact.createdAt,
            digest: artifact.digest,
          })),
        };
      },
    ),

    GetSignedArtifactURL: twirpMethod(z.strictObject({ ...runAndJob, name: z.string().min(1) }), (request, claims) => {
      requireOwnRun(claims, request, true);
      const { repo, run } = runOf(claims);
      const artifact = liveArtifacts(repo, run).find(
        (candidate) =>
          candidate.name === request.name && candidate.jobBackendId === request.workflow_job_run_backend_id,
      );
      if (!artifact) throw new TwirpError("not_found", `no artifact named "${request.name}" on this workflow run`);
      return { signed_url: github.artifactDownloadUrl(artifact.id) };
    }),

    DeleteArtifact: twirpMethod(z.strictObject({ ...runAndJob, name: z.string().min(1) }), (request, claims) => {
      requireOwnRun(claims, request);
      const { repo, run } = runOf(claims);
      const artifact = liveArtifacts(repo, run).find((candidate) => candidate.name === request.name);
      if (!artifact) throw new TwirpError("not_found", `no artifact named "${request.name}" on this workflow run`);
      repo.artifacts.delete(artifact.id);
      return { ok: true, artifact_id: String(artifact.id) };
    }),
  };
}
