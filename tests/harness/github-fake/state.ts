/**
 * The fake's state and the typed API tests seed it with. Everything a response shows comes from here, so what a
 * test seeds is exactly what an action reads back.
 */
import { createHash, randomUUID } from "node:crypto";
import { createZip } from "../zip.js";
import type {
  ArtifactRecord,
  CommitRecord,
  GitIdentity,
  IssueCommentRecord,
  IssueRecord,
  LabelRecord,
  PullRecord,
  ReleaseAssetRecord,
  ReleaseRecord,
  RepoRecord,
  RepoRole,
  ReviewRecord,
  ReviewState,
  RunConclusion,
  RunStatus,
  UserRecord,
  UserType,
  WorkflowRecord,
  WorkflowRunRecord,
} from "./records.js";

/** GitHub's account behind GITHUB_TOKEN: comments and check runs made with it are authored by this bot. */
export const ACTIONS_BOT = { login: "github-actions[bot]", id: 41898282 } as const;

type RepoRef = RepoRecord | string;
type DateInput = string | Date;

export class FakeGitHubState {
  readonly users = new Map<string, UserRecord>();
  readonly repos = new Map<string, RepoRecord>();
  /** Every commit of every repository by SHA: forks share history, so ancestry walks the whole network. */
  private readonly commitIndex = new Map<string, CommitRecord>();
  private lastId = 1000;
  private commitCounter = 0;

  constructor() {
    this.users.set(ACTIONS_BOT.login, {
      id: ACTIONS_BOT.id,
      login: ACTIONS_BOT.login,
      type: "Bot",
      name: null,
      email: null,
      createdAt: "2018-12-06T18:02:25Z",
    });
  }

  /** GitHub's ids are unique per kind; one counter keeps them unique across kinds too, which makes mix-ups loud. */
  nextId(): number {
    return ++this.lastId;
  }

  addUser(login: string, options: { type?: UserType; name?: string; email?: string } = {}): UserRecord {
    const existing = this.users.get(login);
    if (existing) return existing;
    const user: UserRecord = {
      id: this.nextId(),
      login,
      type: options.type ?? "User",
      name: options.name ?? null,
      email: options.email ?? null,
      createdAt: timestamp(new Date("2020-01-01T00:00:00Z")),
    };
    this.users.set(login, user);
    return user;
  }

  user(login: string): UserRecord {
    const user = this.users.get(login);
    if (!user) throw new Error(`fake: no user "${login}" (seed it with state.addUser)`);
    return user;
  }

  /** Creates a repository with one commit on its default branch; a fork starts from its parent's commits and refs. */
  addRepo(
    fullName: string,
    options: {
      private?: boolean;
      defaultBranch?: string;
      description?: string;
      forkOf?: RepoRef;
      ownerType?: UserType;
    } = {},
  ): RepoRecord {
    const [ownerLogin, name] = fullName.split("/");
    if (!ownerLogin || !name) throw new Error(`fake: repository name "${fullName}" is not owner/name`);
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`fake: repository ${fullName} already exists`);
    const parent = options.forkOf === undefined ? null : this.repo(options.forkOf);
    const repo: RepoRecord = {
      id: this.nextId(),
      owner: this.addUser(ownerLogin, { type: options.ownerType ?? "User" }),
      name,
      fullName,
      private: options.private ?? parent?.private ?? false,
      description: options.description ?? null,
      defaultBranch: options.defaultBranch ?? parent?.defaultBranch ?? "main",
      parent,
      createdAt: this.now(),
      commits: new Map(parent?.commits),
      refs: new Map(parent?.refs),
      issues: new Map(),
      pulls: new Map(),
      issueComments: new Map(),
      commitComments: new Map(),
      reviews: new Map(),
      collaborators: new Map(),
      checkRuns: new Map(),
      workflows: new Map(),
      runs: new Map(),
      artifacts: new Map(),
      releases: new Map(),
      assets: new Map(),
      latestReleaseId: null,
      nextNumber: 1,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    if (!parent) this.addCommit(repo, { message: "Initial commit", branch: repo.defaultBranch, parents: [] });
    return repo;
  }

  repo(ref: RepoRef): RepoRecord {
    if (typeof ref !== "string") return ref;
    const repo = this.repos.get(ref.toLowerCase());
    if (!repo) throw new Error(`fake: no repository "${ref}" (seed it with state.addRepo)`);
    return repo;
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  /**
   * Adds a commit. With `branch`, its parent defaults to the branch's head and the branch moves to it (created if
   * missing, starting from the default branch).
   */
  addCommit(
    repoRef: RepoRef,
    options: {
      message?: string;
      branch?: string;
      parents?: string[];
      author?: string | GitIdentity;
      date?: DateInput;
    } = {},
  ): CommitRecord {
    const repo = this.repo(repoRef);
    const branchHead = options.branch
      ? (repo.refs.get(`heads/${options.branch}`) ?? repo.refs.get(`heads/${repo.defaultBranch}`))
      : undefined;
    const parents = options.parents ?? (branchHead ? [branchHead] : []);
    for (const parent of parents) {
      if (!this.commitIndex.has(parent))
        throw new Error(`fake: parent ${parent} is not a commit of ${repo.fullName} or its network`);
    }
    const date = timestamp(options.date ?? new Date());
    const authorUser = typeof options.author === "string" ? this.addUser(options.author) : undefined;
    const identity: GitIdentity =
      typeof options.author === "object"
        ? options.author
        : {
            name: authorUser?.name ?? authorUser?.login ?? "Monalisa Octocat",
            email: `${authorUser?.id ?? 1}+${authorUser?.login ?? "octocat"}@users.noreply.github.com`,
            date,
          };
    const sequence = ++this.commitCounter;
    const message = options.message ?? `Commit ${sequence}`;
    const seed = `${parents.join(",")}\n${message}\n${date}\n${sequence}`;
    const commit: CommitRecord = {
      sha: sha1(`commit\n${seed}`),
      treeSha: sha1(`tree\n${seed}`),
      message,
      parents,
      author: identity,
      committer: { ...identity },
      authorLogin: authorUser?.login ?? null,
    };
    repo.commits.set(commit.sha, commit);
    this.commitIndex.set(commit.sha, commit);
    if (options.branch) repo.refs.set(`heads/${options.branch}`, commit.sha);
    return commit;
  }

  /** Points `heads/<branch>` at a commit (the default branch's head when no SHA is given). */
  setBranch(repoRef: RepoRef, branch: string, sha?: string): void {
    const repo = this.repo(repoRef);
    const target = sha ?? repo.refs.get(`heads/${repo.defaultBranch}`);
    if (!target || !repo.commits.has(target)) throw new Error(`fake: ${sha} is not a commit of ${repo.fullName}`);
    repo.refs.set(`heads/${branch}`, target);
  }

  addTag(repoRef: RepoRef, tag: string, sha: string): void {
    const repo = this.repo(repoRef);
    if (!repo.commits.has(sha)) throw new Error(`fake: ${sha} is not a commit of ${repo.fullName}`);
    repo.refs.set(`tags/${tag}`, sha);
  }

  addIssue(repoRef: RepoRef, options: { title: string; body?: string; user?: string; labels?: string[] }): IssueRecord {
    const repo = this.repo(repoRef);
    const now = this.now();
    const issue: IssueRecord = {
      number: repo.nextNumber++,
      id: this.nextId(),
      title: options.title,
      body: options.body ?? null,
      user: this.addUser(options.user ?? repo.owner.login),
      state: "open",
      labels: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    repo.issues.set(issue.number, issue);
    for (const label of options.labels ?? []) this.addLabel(repo, issue.number, label);
    return issue;
  }

  /**
   * Opens a pull request from `head` into `base` (the default branch unless given). `headRepo` makes it a pull
   * request from a fork; its branch must exist there.
   */
  addPull(
    repoRef: RepoRef,
    options: {
      head: string;
      base?: string;
      title?: string;
      body?: string;
      user?: string;
      draft?: boolean;
      headRepo?: RepoRef;
    },
  ): PullRecord {
    const repo = this.repo(repoRef);
    const headRepo = options.headRepo === undefined ? repo : this.repo(options.headRepo);
    const baseRef = options.base ?? repo.defaultBranch;
    if (!headRepo.refs.has(`heads/${options.head}`))
      throw new Error(`fake: ${headRepo.fullName} has no branch ${options.head}`);
    if (!repo.refs.has(`heads/${baseRef}`)) throw new Error(`fake: ${repo.fullName} has no branch ${baseRef}`);
    const issue = this.addIssue(repo, {
      title: options.title ?? `Merge ${options.head} into ${baseRef}`,
      body: options.body,
      user: options.user ?? headRepo.owner.login,
    });
    const pull: PullRecord = {
      number: issue.number,
      id: this.nextId(),
      issue,
      headRepo,
      headRef: options.head,
      baseRef,
      draft: options.draft ?? false,
      mergedAt: null,
      mergeCommitSha: null,
    };
    repo.pulls.set(pull.number, pull);
    return pull;
  }

  addLabel(repoRef: RepoRef, issueNumber: number, name: string, color = "ededed"): LabelRecord {
    const issue = this.issue(repoRef, issueNumber);
    const label: LabelRecord = { id: this.nextId(), name, color, description: "" };
    issue.labels.push(label);
    return label;
  }

  addComment(
    repoRef: RepoRef,
    issueNumber: number,
    options: { body: string; user?: string; date?: DateInput },
  ): IssueCommentRecord {
    const repo = this.repo(repoRef);
    this.issue(repo, issueNumber);
    const user = this.addUser(options.user ?? repo.owner.login);
    const at = timestamp(options.date ?? new Date());
    const comment: IssueCommentRecord = {
      id: this.nextId(),
      issueNumber,
      body: options.body,
      user,
      viaApp: user.login === ACTIONS_BOT.login,
      createdAt: at,
      updatedAt: at,
    };
    repo.issueComments.set(comment.id, comment);
    return comment;
  }

  addReview(
    repoRef: RepoRef,
    pullNumber: number,
    options: { user: string; state: ReviewState; body?: string; commitId?: string },
  ): ReviewRecord {
    const repo = this.repo(repoRef);
    const pull = this.pull(repo, pullNumber);
    const review: ReviewRecord = {
      id: this.nextId(),
      pullNumber,
      user: this.addUser(options.user),
      state: options.state,
      body: options.body ?? "",
      commitId: options.commitId ?? this.pullHeadSha(pull),
      submittedAt: this.now(),
    };
    repo.reviews.set(review.id, review);
    return review;
  }

  addCollaborator(repoRef: RepoRef, login: string, role: RepoRole): void {
    this.addUser(login);
    this.repo(repoRef).collaborators.set(login, role);
  }

  addWorkflow(repoRef: RepoRef, options: { path: string; name?: string }): WorkflowRecord {
    const repo = this.repo(repoRef);
    const workflow: WorkflowRecord = {
      id: this.nextId(),
      name: options.name ?? options.path.replace(/^.*\//, "").replace(/\.ya?ml$/, ""),
      path: options.path,
      createdAt: this.now(),
    };
    repo.workflows.set(workflow.id, workflow);
    return workflow;
  }

  /** Finds a workflow by id or by file name, as `GET .../actions/workflows/{workflow_id}/runs` accepts either. */
  findWorkflow(repoRef: RepoRef, idOrFile: string | number): WorkflowRecord | undefined {
    const repo = this.repo(repoRef);
    const key = String(idOrFile);
    for (const workflow of repo.workflows.values()) {
      if (String(workflow.id) === key || workflow.path.replace(/^.*\//, "") === key) return workflow;
    }
    return undefined;
  }

  /** Records a workflow run; its head defaults to the head of `headBranch` (the default branch unless given). */
  addWorkflowRun(
    repoRef: RepoRef,
    options: {
      workflow: string | number;
      event?: string;
      headBranch?: string;
      headSha?: string;
      headRepo?: RepoRef;
      status?: RunStatus;
      conclusion?: RunConclusion | null;
      actor?: string;
      pullNumbers?: number[];
      displayTitle?: string;
      createdAt?: DateInput;
    },
  ): WorkflowRunRecord {
    const repo = this.repo(repoRef);
    const workflow =
      this.findWorkflow(repo, options.workflow) ??
      (typeof options.workflow === "string"
        ? this.addWorkflow(repo, { path: workflowPath(options.workflow) })
        : undefined);
    if (!workflow) throw new Error(`fake: ${repo.fullName} has no workflow ${options.workflow}`);
    const headRepo = options.headRepo === undefined ? repo : this.repo(options.headRepo);
    const headBranch = options.headBranch ?? repo.defaultBranch;
    const headSha = options.headSha ?? headRepo.refs.get(`heads/${headBranch}`);
    if (!headSha || !headRepo.commits.has(headSha)) {
      throw new Error(`fake: run head ${options.headSha ?? headBranch} is not a commit of ${headRepo.fullName}`);
    }
    const runsOfWorkflow = [...repo.runs.values()].filter((run) => run.workflowId === workflow.id).length;
    const createdAt = timestamp(options.createdAt ?? new Date());
    const conclusion = options.conclusion ?? null;
    const run: WorkflowRunRecord = {
      id: this.nextId(),
      workflowId: workflow.id,
      runNumber: runsOfWorkflow + 1,
      runAttempt: 1,
      event: options.event ?? "push",
      status: options.status ?? (conclusion ? "completed" : "in_progress"),
      conclusion,
      headBranch,
      headSha,
      headRepo,
      actor: this.addUser(options.actor ?? repo.owner.login),
      pullNumbers: options.pullNumbers ?? [],
      displayTitle: options.displayTitle ?? headRepo.commits.get(headSha)?.message.split("\n")[0] ?? workflow.name,
      createdAt,
      updatedAt: createdAt,
      checkSuiteId: this.nextId(),
      backendId: randomUUID(),
      jobBackendId: randomUUID(),
    };
    repo.runs.set(run.id, run);
    return run;
  }

  completeRun(runId: number, conclusion: RunConclusion): WorkflowRunRecord {
    const { run } = this.findRun(runId);
    run.status = "completed";
    run.conclusion = conclusion;
    run.updatedAt = this.now();
    return run;
  }

  findRun(runId: number): { repo: RepoRecord; run: WorkflowRunRecord } {
    for (const repo of this.repos.values()) {
      const run = repo.runs.get(runId);
      if (run) return { repo, run };
    }
    throw new Error(`fake: no workflow run ${runId}`);
  }

  findRunByBackendId(backendId: string): { repo: RepoRecord; run: WorkflowRunRecord } | undefined {
    for (const repo of this.repos.values()) {
      for (const run of repo.runs.values()) if (run.backendId === backendId) return { repo, run };
    }
    return undefined;
  }

  /**
   * Stores an artifact of a run. `files` become a real zip (what upload-artifact makes); `content` is stored as given.
   * Retention is 90 days unless `expiresAt` or `expired` say otherwise.
   */
  addArtifact(
    runId: number,
    options: {
      name: string;
      files?: Record<string, string | Uint8Array>;
      content?: Buffer;
      contentType?: string;
      createdAt?: DateInput;
      expiresAt?: DateInput;
      expired?: boolean;
      jobBackendId?: string;
    },
  ): ArtifactRecord {
    const { repo, run } = this.findRun(runId);
    const content = options.content ?? createZip(options.files ?? {});
    const created = new Date(options.createdAt ?? new Date());
    const artifact: ArtifactRecord = {
      id: this.nextId(),
      runId,
      jobBackendId: options.jobBackendId ?? run.jobBackendId,
      name: options.name,
      content,
      contentType: options.contentType ?? "application/zip",
      digest: `sha256:${sha256(content)}`,
      createdAt: timestamp(created),
      expiresAt: timestamp(options.expiresAt ?? new Date(created.getTime() + 90 * 86_400_000)),
      expired: options.expired ?? false,
    };
    repo.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  isExpired(artifact: ArtifactRecord): boolean {
    return artifact.expired || Date.parse(artifact.expiresAt) <= Date.now();
  }

  addRelease(
    repoRef: RepoRef,
    options: {
      tag: string;
      name?: string;
      body?: string;
      draft?: boolean;
      prerelease?: boolean;
      targetCommitish?: string;
      author?: string;
      makeLatest?: "true" | "false" | "legacy";
    },
  ): ReleaseRecord {
    const repo = this.repo(repoRef);
    const now = this.now();
    const release: ReleaseRecord = {
      id: this.nextId(),
      tagName: options.tag,
      targetCommitish: options.targetCommitish ?? repo.defaultBranch,
      name: options.name ?? null,
      body: options.body ?? null,
      draft: options.draft ?? false,
      prerelease: options.prerelease ?? false,
      author: this.addUser(options.author ?? repo.owner.login),
      createdAt: now,
      publishedAt: options.draft ? null : now,
      updatedAt: now,
      assetIds: [],
    };
    repo.releases.set(release.id, release);
    if (!release.draft) this.publishRelease(repo, release, options.makeLatest ?? "true");
    return release;
  }

  /** Publishing creates the tag (GitHub creates it on publish, not for drafts) and may make the release latest. */
  publishRelease(repoRef: RepoRef, release: ReleaseRecord, makeLatest: "true" | "false" | "legacy"): void {
    const repo = this.repo(repoRef);
    release.draft = false;
    release.publishedAt ??= this.now();
    if (!repo.refs.has(`tags/${release.tagName}`)) {
      const target = this.resolveCommit(repo, release.targetCommitish);
      if (target) repo.refs.set(`tags/${release.tagName}`, target.sha);
    }
    if (makeLatest === "true" && !release.prerelease) repo.latestReleaseId = release.id;
  }

  /** The release GitHub calls latest: the one marked so, else the newest published full release. */
  latestRelease(repoRef: RepoRef): ReleaseRecord | undefined {
    const repo = this.repo(repoRef);
    const marked = repo.latestReleaseId === null ? undefined : repo.releases.get(repo.latestReleaseId);
    if (marked && !marked.draft && !marked.prerelease) return marked;
    return [...repo.releases.values()]
      .filter((release) => !release.draft && !release.prerelease)
      .sort((a, b) => (b.publishedAt ?? "").localeCompare(a.publishedAt ?? "") || b.id - a.id)[0];
  }

  /** Adds an asset; `state: "starter"` leaves what a failed upload leaves behind. */
  addReleaseAsset(
    repoRef: RepoRef,
    releaseId: number,
    options: {
      name: string;
      content?: Buffer;
      contentType?: string;
      label?: string;
      state?: "uploaded" | "starter";
      uploader?: string;
    },
  ): ReleaseAssetRecord {
    const repo = this.repo(repoRef);
    const release = repo.releases.get(releaseId);
    if (!release) throw new Error(`fake: ${repo.fullName} has no release ${releaseId}`);
    const state = options.state ?? "uploaded";
    const content = state === "starter" ? Buffer.alloc(0) : (options.content ?? Buffer.alloc(0));
    const now = this.now();
    const asset: ReleaseAssetRecord = {
      id: this.nextId(),
      releaseId,
      name: options.name,
      label: options.label ?? null,
      contentType: options.contentType ?? "application/octet-stream",
      content,
      size: content.length,
      digest: state === "starter" ? null : `sha256:${sha256(content)}`,
      state,
      downloadCount: 0,
      uploader: this.addUser(options.uploader ?? ACTIONS_BOT.login),
      createdAt: now,
      updatedAt: now,
    };
    repo.assets.set(asset.id, asset);
    release.assetIds.push(asset.id);
    return asset;
  }

  /** Replaces the bytes an asset serves while its listed size and digest stay as uploaded. */
  tamperReleaseAsset(repoRef: RepoRef, assetId: number, content: Buffer): void {
    const asset = this.repo(repoRef).assets.get(assetId);
    if (!asset) throw new Error(`fake: no release asset ${assetId}`);
    asset.content = content;
  }

  deleteReleaseAsset(repo: RepoRecord, asset: ReleaseAssetRecord): void {
    repo.assets.delete(asset.id);
    const release = repo.releases.get(asset.releaseId);
    if (release) release.assetIds = release.assetIds.filter((id) => id !== asset.id);
  }

  issue(repoRef: RepoRef, issueNumber: number): IssueRecord {
    const repo = this.repo(repoRef);
    const issue = repo.issues.get(issueNumber);
    if (!issue) throw new Error(`fake: ${repo.fullName} has no issue or pull request #${issueNumber}`);
    return issue;
  }

  pull(repoRef: RepoRef, pullNumber: number): PullRecord {
    const repo = this.repo(repoRef);
    const pull = repo.pulls.get(pullNumber);
    if (!pull) throw new Error(`fake: ${repo.fullName} has no pull request #${pullNumber}`);
    return pull;
  }

  /**
   * The test merge commit GitHub keeps for an open pull request (`refs/pull/<n>/merge`, its `merge_commit_sha`, and
   * GITHUB_SHA of `pull_request` runs), made again whenever the base or head moved.
   */
  pullMergeCommit(pull: PullRecord): CommitRecord {
    const repo = this.pullBaseRepo(pull);
    const baseSha = repo.refs.get(`heads/${pull.baseRef}`) as string;
    const headSha = this.pullHeadSha(pull);
    const current = pull.mergeCommitSha ? this.commitIndex.get(pull.mergeCommitSha) : undefined;
    if (current && current.parents[0] === baseSha && current.parents[1] === headSha) return current;
    const merge = this.addCommit(repo, { message: `Merge ${headSha} into ${baseSha}`, parents: [baseSha, headSha] });
    pull.mergeCommitSha = merge.sha;
    repo.refs.set(`pull/${pull.number}/head`, headSha);
    repo.refs.set(`pull/${pull.number}/merge`, merge.sha);
    return merge;
  }

  pullHeadSha(pull: PullRecord): string {
    const sha = pull.headRepo.refs.get(`heads/${pull.headRef}`);
    if (!sha) throw new Error(`fake: ${pull.headRepo.fullName} has no branch ${pull.headRef}`);
    return sha;
  }

  pullBaseRepo(pull: PullRecord): RepoRecord {
    for (const repo of this.repos.values()) if (repo.pulls.get(pull.number) === pull) return repo;
    throw new Error(`fake: pull request #${pull.number} belongs to no repository`);
  }

  /** Resolves what GitHub accepts as a commit-ish: a full or abbreviated SHA, a branch, a tag, or `heads/`/`tags/` refs. */
  resolveCommit(repoRef: RepoRef, commitish: string): CommitRecord | undefined {
    const repo = this.repo(repoRef);
    const ref = commitish.replace(/^refs\//, "");
    const sha = repo.refs.get(ref) ?? repo.refs.get(`heads/${ref}`) ?? repo.refs.get(`tags/${ref}`);
    if (sha) return repo.commits.get(sha);
    if (/^[0-9a-f]{7,40}$/.test(commitish)) {
      const matches = [...repo.commits.keys()].filter((candidate) => candidate.startsWith(commitish));
      if (matches.length === 1) return repo.commits.get(matches[0] as string);
    }
    return undefined;
  }

  commit(sha: string): CommitRecord | undefined {
    return this.commitIndex.get(sha);
  }

  ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const stack = [sha];
    while (stack.length) {
      const current = stack.pop() as string;
      if (seen.has(current)) continue;
      seen.add(current);
      stack.push(...(this.commitIndex.get(current)?.parents ?? []));
    }
    return seen;
  }

  /** The best common ancestor of two commits: a common ancestor that no other common ancestor descends from. */
  mergeBase(a: string, b: string): string | undefined {
    const ofA = this.ancestors(a);
    const common = [...this.ancestors(b)].filter((sha) => ofA.has(sha));
    return common.find((candidate) =>
      common.every((other) => other === candidate || !this.ancestors(other).has(candidate)),
    );
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  commitsBetween(base: string, head: string): CommitRecord[] {
    const excluded = this.ancestors(base);
    const included = this.ancestors(head);
    // Index order is creation order, and a parent is always created before its children.
    return [...this.commitIndex.values()].filter((commit) => included.has(commit.sha) && !excluded.has(commit.sha));
  }

  now(): string {
    return timestamp(new Date());
  }
}

/** GitHub's timestamps carry seconds, not milliseconds. */
export function timestamp(value: DateInput): string {
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function sha256(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

function workflowPath(file: string): string {
  return file.includes("/") ? file : `.github/workflows/${file}`;
}
