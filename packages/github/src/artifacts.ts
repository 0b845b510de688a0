import { readdirSync, statSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ArtifactClient } from "@actions/artifact";
import {
  ARTIFACT_EXTRACTED_MAX_BYTES,
  ARTIFACT_EXTRACTED_MAX_ENTRIES,
  ARTIFACT_NAME_FORBIDDEN_CHARS,
  ARTIFACT_RETENTION_MAX_DAYS,
  ARTIFACT_RETENTION_MIN_DAYS,
  BUNDLE_TOTAL_MAX_BYTES,
  Bundle,
  UserError,
  isUserError,
} from "@ctrain/core";
import { extractArtifactArchive } from "./artifact-archive.js";
import type { RepositoryRef } from "./context.js";
import { GitHubFault } from "./errors.js";
import { deleteEarlierAttemptArtifact } from "./rerun.js";

/** Artifact names ctrain uses: `ctrain-run-<name>` for run bundles, `ctrain-report-<id>` for fork-safe reports. */
export function bundleArtifactName(kind: "run" | "report", name: string): string {
  const cleaned = [...name]
    .map((char) => ((ARTIFACT_NAME_FORBIDDEN_CHARS as readonly string[]).includes(char) ? "-" : char))
    .join("");
  return `ctrain-${kind}-${cleaned || "default"}`;
}

function requireRuntime(what: string): void {
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    throw new UserError(
      `cannot ${what}: the Actions runtime (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL) is not available`,
      {
        hint:
          "artifacts work only inside a JavaScript action on github.com (not in `run:` steps, not on GHES); " +
          "set `upload: false` to skip, or use the ctrain CLI's local store",
      },
    );
  }
}

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true })
    .map(String)
    .filter((file) => statSync(join(root, file)).isFile())
    .map((file) => join(root, file))
    .sort();
}

/** Uploads a bundle folder as one workflow artifact. */
export async function uploadBundleArtifact(options: {
  dir: string;
  name: string;
  retentionDays?: number;
  /** A later step of the same job uploads the bundle again with its own documents added (model-test after train). */
  replace?: boolean;
}): Promise<{ id?: number; size?: number; digest?: string }> {
  requireRuntime("upload the run bundle as an artifact");
  const retention = options.retentionDays;
  if (retention !== undefined && (retention < ARTIFACT_RETENTION_MIN_DAYS || retention > ARTIFACT_RETENTION_MAX_DAYS)) {
    throw new UserError(
      `retention of ${retention} days is outside GitHub's ${ARTIFACT_RETENTION_MIN_DAYS}-${ARTIFACT_RETENTION_MAX_DAYS}`,
      {
        hint: "set `retention-days` between 1 and 90",
      },
    );
  }
  const root = resolve(options.dir);
  const files = listFiles(root);
  if (files.length === 0) throw new UserError(`nothing to upload: the bundle folder ${root} is empty`);
  if (options.replace) await deleteArtifactOfThisRun(options.name);
  else await deleteEarlierAttemptArtifact(options.name);
  return artifactService(`upload the artifact ${options.name}`, async () =>
    (await artifactClient()).uploadArtifact(options.name, files, root, { retentionDays: retention }),
  );
}

/** Deletes this run's artifact named `name`, if there is one, so a fuller copy can take its name. */
async function deleteArtifactOfThisRun(name: string): Promise<void> {
  await artifactService(`replace the artifact ${name}`, async () => {
    const { ArtifactNotFoundError, DefaultArtifactClient } = await import("@actions/artifact");
    try {
      await new DefaultArtifactClient().deleteArtifact(name);
    } catch (error) {
      if (!(error instanceof ArtifactNotFoundError)) throw error;
    }
  });
}

/**
 * The toolkit's artifact client. Its module (Azure storage, protobuf, archiver) is imported on first use, so an
 * action that never touches artifacts does not load it at start.
 */
async function artifactClient(): Promise<ArtifactClient> {
  const { DefaultArtifactClient } = await import("@actions/artifact");
  return new DefaultArtifactClient();
}

/**
 * Runs a call to the toolkit's artifact client, which retries on its own: what still fails is the Actions service
 * (or its storage), reported as a fault on GitHub's side rather than a crash.
 */
async function artifactService<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isUserError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new GitHubFault("outage", `could not ${what}: GitHub's artifact service failed (${reason.slice(0, 300)})`, {
      cause: error,
    });
  }
}

/**
 * Downloads another run's artifact into `dest` and opens it as an untrusted bundle: size checked before download,
 * digest checked after, extracted under ARTIFACT_EXTRACTED_MAX_BYTES and _ENTRIES (the toolkit's own extraction
 * has no cap), then links, special files, counts and sizes inspected before anything is parsed.
 */
export async function downloadBundleArtifact(options: {
  artifactId: number;
  sizeBytes?: number;
  digest?: string;
  dest: string;
  token: string;
  runId: number;
  repository: RepositoryRef;
}): Promise<Bundle> {
  requireRuntime("download the baseline's run bundle");
  if (options.sizeBytes !== undefined && options.sizeBytes > BUNDLE_TOTAL_MAX_BYTES) {
    throw new UserError(
      `the baseline artifact is ${options.sizeBytes} bytes, more than the ${BUNDLE_TOTAL_MAX_BYTES} a run bundle may hold`,
      { hint: "keep large files (datasets, models) out of the run bundle; ctrain records their digests instead" },
    );
  }
  const archiveDir = `${options.dest}.download`;
  for (const dir of [options.dest, archiveDir]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  try {
    const result = await artifactService(`download the artifact ${options.artifactId}`, async () =>
      (await artifactClient()).downloadArtifact(options.artifactId, {
        path: archiveDir,
        expectedHash: options.digest,
        skipDecompress: true,
        findBy: {
          token: options.token,
          workflowRunId: options.runId,
          repositoryOwner: options.repository.owner,
          repositoryName: options.repository.repo,
        },
      }),
    );
    if (result.digestMismatch) {
      throw new UserError(`the baseline artifact ${options.artifactId} does not match its recorded digest`, {
        hint: "it was altered after upload; ctrain will not use it",
      });
    }
    const [archive] = listFiles(archiveDir);
    if (!archive) throw new UserError(`the artifact ${options.artifactId} downloaded empty`);
    if (statSync(archive).size > BUNDLE_TOTAL_MAX_BYTES) {
      throw new UserError(`the artifact ${options.artifactId} is larger than its listing said`, {
        hint: "ctrain will not use it",
      });
    }
    extractArtifactArchive(archive, options.dest, String(options.artifactId), {
      maxBytes: ARTIFACT_EXTRACTED_MAX_BYTES,
      maxEntries: ARTIFACT_EXTRACTED_MAX_ENTRIES,
    });
  } catch (error) {
    rmSync(options.dest, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(archiveDir, { recursive: true, force: true });
  }
  return new Bundle(options.dest, { untrusted: true });
}
