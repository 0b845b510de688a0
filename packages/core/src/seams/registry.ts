/** One stored file of a published version: a release asset, or a file in a local registry folder. */
export interface RegistryAsset {
  /** The registry's own handle for the file (a release asset id, a file name). */
  id: string;
  name: string;
  bytes: number;
  /** `sha256:<hex>` when the store computes digests itself (GitHub does for new assets). */
  digest?: string;
  /** `partial` is an upload that never finished (GitHub's `starter` asset). */
  state: "uploaded" | "partial";
}

/** A model version in a registry (a GitHub release, or a folder in the local registry). */
export interface PublishedModel {
  /** The registry's own handle (a release id, a folder path). */
  id: string;
  model: string;
  version: string;
  /** `<model>@v<version>`, readable by GTO users. */
  tag: string;
  createdAt: string;
  /** Where a person can see it: a release URL or a folder path. */
  location: string;
  /** A draft is an unfinished publish: invisible to fetches, resumable by the run that left it. */
  draft: boolean;
  prerelease: boolean;
  /** Digest of the run bundle it was published from; the same digest means the same publish. */
  bundleDigest?: string;
  assets: RegistryAsset[];
}

/** A file to store, read from a byte range of a local file (a split model file is several of these). */
export interface AssetSource {
  name: string;
  file: string;
  offset: number;
  bytes: number;
  sha256: string;
  contentType: string;
}

/** Everything a registry needs to store one version; built and checked by the publish package. */
export interface ReleasePlan {
  model: string;
  version: string;
  tag: string;
  title: string;
  /** The release text: the model card's summary with the hidden bundle marker. */
  body: string;
  /** The commit the tag points at. */
  commit?: string;
  prerelease: boolean;
  makeLatest: "true" | "false" | "legacy";
  bundleDigest: string;
  assets: AssetSource[];
  /** A draft of this same bundle left by an interrupted run: fill it instead of starting another. */
  resume?: PublishedModel;
}

export interface PublishHooks {
  /** Runs after every asset is stored and verified, right before the version becomes visible (e.g. attestation). */
  beforePublish?: () => Promise<void>;
  log?: (line: string) => void;
}

/** Where approved models are published and fetched from: GitHub releases, or a local folder. */
export interface ModelRegistry {
  /** For logs and errors: "GitHub releases of owner/repo", "local registry at <folder>". */
  readonly description: string;
  /** Every version of a model, newest (highest semver) first; drafts only when asked for. */
  list(model: string, options?: { drafts?: boolean }): Promise<PublishedModel[]>;
  /** The champion: the highest published version that is not a prerelease. */
  latest(model: string): Promise<PublishedModel | undefined>;
  /**
   * Stores a version: drafted, filled, verified, then made visible, so it is never seen half-filled. Re-running the
   * same plan after a crash completes it without duplicating the version or any of its files.
   */
  publish(plan: ReleasePlan, hooks?: PublishHooks): Promise<PublishedModel>;
  /**
   * Copies one stored file to `destination`, refusing more than `maxBytes`; returns what was written. The content is
   * untrusted until the caller checks the digest against the manifest.
   */
  download(
    version: PublishedModel,
    assetName: string,
    destination: string,
    maxBytes: number,
  ): Promise<{ bytes: number; sha256: string }>;
}

/** A pull request as the approval policy sees it. */
export interface PullRequestFacts {
  number: number;
  url?: string;
  /** The final head commit: approvals count only when given on it. */
  headSha: string;
  labels: string[];
  merged: boolean;
}

export interface ReviewFacts {
  reviewer: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";
  /** The commit the review was given on. */
  commitId: string;
  submittedAt?: string;
}

/** One entry of a workflow run's deployment review history: a reviewer's decision on some of its environments. */
export interface DeploymentReviewFacts {
  environments: string[];
  state: "approved" | "rejected" | "pending";
  reviewer: string;
}

/** A deployment environment's protection as the approval policy sees it. */
export interface EnvironmentFacts {
  name: string;
  /** Users and teams that must approve a job in it; empty when the environment has no such rule. */
  requiredReviewers: string[];
}

/** Where the publish gate reads human approval from (the GitHub implementation uses the REST API). */
export interface ApprovalSource {
  /** The pull request that brought `commit` into its branch, if any. */
  pullRequestForCommit(commit: string): Promise<PullRequestFacts | undefined>;
  /** Every submitted review of a pull request, oldest first. */
  reviews(pullRequest: number): Promise<ReviewFacts[]>;
  /** Whether the user may push to the repository (write, maintain or admin). */
  hasWriteAccess(login: string): Promise<boolean>;
  /** The deployment reviews of the workflow run doing the publishing, oldest first. */
  deploymentReviews(): Promise<DeploymentReviewFacts[]>;
  /** An environment of the repository, or undefined when there is none of that name. */
  environment(name: string): Promise<EnvironmentFacts | undefined>;
  /** The page where environments and their required reviewers are set up. */
  readonly environmentSettingsUrl: string;
}
