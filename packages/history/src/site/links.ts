import type { HistoryRecord } from "../record.js";

const GITHUB = "https://github.com";

/** Where a run's commit, workflow run, pull request and release live on GitHub. */
export interface RunLinks {
  commit?: string;
  run?: string;
  pullRequest?: string;
  release?: string;
}

/**
 * Links built only from fields the schema holds to a strict shape (repository name, hex commit, integer ids; the
 * release tag is percent-encoded), never from a URL a run recorded: every link points into the run's own repository.
 */
export function runLinks(record: HistoryRecord): RunLinks {
  const repository = record.repository;
  if (!repository) return {};
  const base = `${GITHUB}/${repository}`;
  return {
    commit: record.commit && `${base}/commit/${record.commit}`,
    run:
      record.runId === undefined
        ? undefined
        : `${base}/actions/runs/${record.runId}${record.runAttempt && record.runAttempt > 1 ? `/attempts/${record.runAttempt}` : ""}`,
    pullRequest: record.pullRequest === undefined ? undefined : `${base}/pull/${record.pullRequest}`,
    release: record.release === undefined ? undefined : `${base}/releases/tag/${encodeURIComponent(record.release)}`,
  };
}
