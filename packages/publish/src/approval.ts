import { UserError, type ApprovalSource, type DeploymentReviewFacts, type ReviewFacts } from "@ctrain/core";
import type { ApprovalRecord } from "./manifest.js";

export interface ApprovalDecision extends ApprovalRecord {
  approved: boolean;
}

/** States that change where a reviewer stands; a later comment leaves an approval in place, as on GitHub. */
const DECISIVE_STATES = new Set<ReviewFacts["state"]>(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

/**
 * Reviewers whose latest decisive review approves the pull request's final head commit. A later change request or
 * dismissal cancels an approval; an approval of an earlier commit does not count.
 */
export function approversOfHead(reviews: readonly ReviewFacts[], headSha: string): string[] {
  const latest = new Map<string, ReviewFacts>();
  const ordered = reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) => (a.review.submittedAt ?? "").localeCompare(b.review.submittedAt ?? "") || a.index - b.index);
  for (const { review } of ordered) {
    if (DECISIVE_STATES.has(review.state)) latest.set(review.reviewer.toLowerCase(), review);
  }
  return [...latest.values()]
    .filter((review) => review.state === "APPROVED" && review.commitId === headSha)
    .map((review) => review.reviewer)
    .sort();
}

/** Per environment, its latest decision and who approved since the last rejection, in the order reviews came. */
export function environmentDecisions(
  reviews: readonly DeploymentReviewFacts[],
): { environment: string; state: "approved" | "rejected"; approvers: string[] }[] {
  const decisions = new Map<string, { environment: string; state: "approved" | "rejected"; approvers: string[] }>();
  for (const review of reviews) {
    // A pending review is a comment; only approvals and rejections decide.
    if (review.state === "pending") continue;
    for (const environment of review.environments) {
      const key = environment.toLowerCase();
      const previous = decisions.get(key);
      const approvers = review.state === "approved" && previous?.state === "approved" ? previous.approvers : [];
      if (review.state === "approved" && !approvers.includes(review.reviewer)) approvers.push(review.reviewer);
      decisions.set(key, { environment, state: review.state, approvers });
    }
  }
  return [...decisions.values()];
}

/**
 * `approval: environment` holds when reviewers approved this workflow run's deployment to an environment that
 * requires reviewers, and none rejected one. A job in no environment, or in one without required reviewers, runs
 * without anybody's approval: the run's review history is then empty, and publishing stops.
 */
async function decideEnvironmentApproval(
  source: ApprovalSource,
  decision: (approved: boolean, reason: string, extra?: Partial<ApprovalRecord>) => ApprovalDecision,
): Promise<ApprovalDecision> {
  const fix =
    `give the publishing job \`environment: <name>\` and give that environment required reviewers ` +
    `(${source.environmentSettingsUrl})`;
  const decisions = environmentDecisions(await source.deploymentReviews());
  const rejected = decisions.filter((entry) => entry.state === "rejected");
  if (rejected.length) {
    const names = rejected.map((entry) => JSON.stringify(entry.environment)).join(", ");
    return decision(false, `a reviewer rejected this workflow run's deployment to ${names}`);
  }
  if (decisions.length === 0) {
    return decision(
      false,
      "no reviewer approved this workflow run: its jobs ran in no environment with required reviewers; " + fix,
    );
  }
  const approvedBy: string[] = [];
  const described: string[] = [];
  for (const { environment, approvers } of decisions) {
    const facts = await source.environment(environment);
    if (!facts || facts.requiredReviewers.length === 0) {
      return decision(
        false,
        `the environment ${JSON.stringify(environment)} ${facts ? "has no required reviewers" : "does not exist"}, ` +
          `so its approval proves nothing; ${fix}`,
      );
    }
    for (const login of approvers) if (!approvedBy.includes(login)) approvedBy.push(login);
    described.push(`${JSON.stringify(facts.name)} (required reviewers: ${facts.requiredReviewers.join(", ")})`);
  }
  return decision(
    true,
    `${approvedBy.join(", ")} approved this workflow run's deployment to ${described.join(" and ")}`,
    { approvers: [...approvedBy].sort() },
  );
}

export interface ApprovalPolicy {
  /** `review`, `label:<name>`, `environment` or `none`, as `publish.approval` says. */
  approval: string;
  requiredApprovals: number;
}

/**
 * Decides whether a human approved publishing `commit`. Without an approval source (the CLI on a laptop), the
 * person running the command is the approver.
 */
export async function decideApproval(
  policy: ApprovalPolicy,
  commit: string | undefined,
  source: ApprovalSource | undefined,
): Promise<ApprovalDecision> {
  const decision = (approved: boolean, reason: string, extra: Partial<ApprovalRecord> = {}): ApprovalDecision => ({
    approved,
    policy: policy.approval,
    reason,
    approvers: [],
    ...extra,
  });
  if (policy.approval === "none") {
    return decision(true, "approval: none; the workflow trusts this run (e.g. scheduled retraining)");
  }
  if (!source) return decision(true, "published from the command line; the person running it approved it");
  if (policy.approval === "environment") return decideEnvironmentApproval(source, decision);
  if (!commit) {
    throw new UserError("cannot check approval: the commit being published is unknown", {
      hint: "run publish inside a GitHub Actions job (GITHUB_SHA), or set `publish.approval`",
    });
  }
  const pullRequest = await source.pullRequestForCommit(commit);
  if (!pullRequest) {
    return decision(false, `no pull request brought commit ${commit.slice(0, 12)}, so nobody reviewed it`);
  }
  const pr = { pullRequest: pullRequest.number };
  if (policy.approval.startsWith("label:")) {
    const label = policy.approval.slice("label:".length);
    const carried = pullRequest.labels.some((name) => name.toLowerCase() === label.toLowerCase());
    return carried
      ? decision(true, `pull request #${pullRequest.number} carries the label "${label}"`, pr)
      : decision(false, `pull request #${pullRequest.number} does not carry the label "${label}"`, pr);
  }
  const candidates = approversOfHead(await source.reviews(pullRequest.number), pullRequest.headSha);
  const approvers: string[] = [];
  for (const login of candidates) if (await source.hasWriteAccess(login)) approvers.push(login);
  const head = pullRequest.headSha.slice(0, 12);
  const counted = `${approvers.length} of ${policy.requiredApprovals} required approval(s)`;
  if (approvers.length >= policy.requiredApprovals) {
    return decision(true, `pull request #${pullRequest.number} has ${counted} on its head commit ${head}`, {
      ...pr,
      approvers,
    });
  }
  const ignored = candidates.filter((login) => !approvers.includes(login));
  return decision(
    false,
    `pull request #${pullRequest.number} has ${counted} on its head commit ${head} from users with write access` +
      (ignored.length ? ` (not counted, no write access: ${ignored.join(", ")})` : ""),
    { ...pr, approvers },
  );
}
