/** The fake's stored state: plain records that the renderers turn into GitHub's JSON shapes. */

export type UserType = "User" | "Bot" | "Organization";

export interface UserRecord {
  id: number;
  login: string;
  type: UserType;
  name: string | null;
  email: string | null;
  createdAt: string;
}

export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read";

export interface GitIdentity {
  name: string;
  email: string;
  date: string;
}

export interface CommitRecord {
  sha: string;
  treeSha: string;
  message: string;
  parents: string[];
  author: GitIdentity;
  committer: GitIdentity;
  /** The GitHub account the author's email belongs to, when there is one. */
  authorLogin: string | null;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string;
}

export interface IssueRecord {
  number: number;
  id: number;
  title: string;
  body: string | null;
  user: UserRecord;
  state: "open" | "closed";
  labels: LabelRecord[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface PullRecord {
  number: number;
  id: number;
  issue: IssueRecord;
  /** The repository the head branch lives in: the same repository, or a fork of it. */
  headRepo: RepoRecord;
  headRef: string;
  baseRef: string;
  draft: boolean;
  mergedAt: string | null;
  mergeCommitSha: string | null;
}

export interface IssueCommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: UserRecord;
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CommitCommentRecord {
  id: number;
  commitId: string;
  body: string;
  path: string | null;
  position: number | null;
  line: number | null;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface ReviewRecord {
  id: number;
  pullNumber: number;
  user: UserRecord;
  state: ReviewState;
  body: string;
  commitId: string;
  submittedAt: string;
}

export interface CheckAnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  externalId: string | null;
  detailsUrl: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: CheckAnnotationRecord[];
  checkSuiteId: number;
}

export interface WorkflowRecord {
  id: number;
  name: string;
  path: string;
  createdAt: string;
}

export type RunStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
export type RunConclusion =
  "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required" | "stale";

export interface WorkflowRunRecord {
  id: number;
  workflowId: number;
  runNumber: number;
  runAttempt: number;
  event: string;
  status: RunStatus;
  conclusion: RunConclusion | null;
  headBranch: string | null;
  headSha: string;
  headRepo: RepoRecord;
  actor: UserRecord;
  pullNumbers: number[];
  displayTitle: string;
  createdAt: string;
  updatedAt: string;
  checkSuiteId: number;
  /** Identifiers the Actions results service knows this run and its job by (carried in ACTIONS_RUNTIME_TOKEN). */
  backendId: string;
  jobBackendId: string;
}

export interface ArtifactRecord {
  id: number;
  runId: number;
  /** The job that uploaded it, as the Actions results service knows the job. */
  jobBackendId: string;
  name: string;
  content: Buffer;
  contentType: string;
  /** `sha256:<hex>` of the stored archive, as GitHub reports it. */
  digest: string;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
}

export interface ReleaseAssetRecord {
  id: number;
  releaseId: number;
  name: string;
  label: string | null;
  contentType: string;
  /** The bytes served on download; a test may tamper with them while size and digest keep the uploaded values. */
  content: Buffer;
  size: number;
  digest: string | null;
  state: "uploaded" | "starter";
  downloadCount: number;
  uploader: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: UserRecord;
  createdAt: string;
  publishedAt: string | null;
  updatedAt: string;
  assetIds: number[];
}

export interface RepoRecord {
  id: number;
  owner: UserRecord;
  name: string;
  fullName: string;
  private: boolean;
  description: string | null;
  defaultBranch: string;
  /** The repository this one was forked from. */
  parent: RepoRecord | null;
  createdAt: string;
  commits: Map<string, CommitRecord>;
  /** `heads/<branch>` and `tags/<tag>` to commit SHAs. */
  refs: Map<string, string>;
  issues: Map<number, IssueRecord>;
  pulls: Map<number, PullRecord>;
  issueComments: Map<number, IssueCommentRecord>;
  commitComments: Map<number, CommitCommentRecord>;
  reviews: Map<number, ReviewRecord>;
  collaborators: Map<string, RepoRole>;
  checkRuns: Map<number, CheckRunRecord>;
  workflows: Map<number, WorkflowRecord>;
  runs: Map<number, WorkflowRunRecord>;
  artifacts: Map<number, ArtifactRecord>;
  releases: Map<number, ReleaseRecord>;
  assets: Map<number, ReleaseAssetRecord>;
  /** The release GitHub calls latest, when one was marked so. */
  latestReleaseId: number | null;
  nextNumber: number;
}
