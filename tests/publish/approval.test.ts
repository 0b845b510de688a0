import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  ApprovalSource,
  DeploymentReviewFacts,
  EnvironmentFacts,
  PullRequestFacts,
  ReviewFacts,
} from "@ctrain/core";
import { approversOfHead, decideApproval, environmentDecisions } from "@ctrain/publish";

const HEAD = "h".repeat(40);
const OLD = "o".repeat(40);
let clock = 0;
function review(reviewer: string, state: ReviewFacts["state"], commitId = HEAD): ReviewFacts {
  clock++;
  return { reviewer, state, commitId, submittedAt: new Date(Date.UTC(2026, 0, 1, 0, clock)).toISOString() };
}

const SETTINGS = "https://github.com/octo/models/settings/environments";
const refuse = () => Promise.reject(new Error("must not be called"));

function source(pull: PullRequestFacts | undefined, reviews: ReviewFacts[], writers: string[]): ApprovalSource {
  return {
    pullRequestForCommit: async () => pull,
    reviews: async () => reviews,
    hasWriteAccess: async (login) => writers.includes(login),
    deploymentReviews: refuse,
    environment: refuse,
    environmentSettingsUrl: SETTINGS,
  };
}

/** A run's deployment review history and the repository's environments, as GitHub would answer. */
function environmentSource(deployments: DeploymentReviewFacts[], environments: EnvironmentFacts[]): ApprovalSource {
  return {
    pullRequestForCommit: refuse,
    reviews: refuse,
    hasWriteAccess: refuse,
    deploymentReviews: async () => deployments,
    environment: async (name) => environments.find((facts) => facts.name.toLowerCase() === name.toLowerCase()),
    environmentSettingsUrl: SETTINGS,
  };
}
const pull: PullRequestFacts = { number: 12, headSha: HEAD, labels: ["ship-it"], merged: true };

describe("approversOfHead", () => {
  it("uses each reviewer's latest decisive review, on the final head commit", () => {
    const reviews = [
      review("ann", "APPROVED"),
      review("ann", "COMMENTED"),
      review("bob", "APPROVED"),
      review("bob", "CHANGES_REQUESTED"),
      review("cat", "APPROVED", OLD),
      review("dan", "CHANGES_REQUESTED"),
      review("dan", "APPROVED"),
      review("eve", "APPROVED"),
      review("eve", "DISMISSED"),
      review("fay", "PENDING"),
    ];
    expect(approversOfHead(reviews, HEAD)).toEqual(["ann", "dan"]);
  });

  it("orders by submission time, not by list order", () => {
    const approve = review("ann", "APPROVED");
    const reject = review("ann", "CHANGES_REQUESTED");
    expect(approversOfHead([reject, approve], HEAD)).toEqual([]);
  });

  it("counts a reviewer exactly when their last decisive review is an approval of the head", () => {
    const event = fc.record({
      reviewer: fc.constantFrom("ann", "bob", "cat"),
      state: fc.constantFrom<ReviewFacts["state"]>(
        "APPROVED",
        "CHANGES_REQUESTED",
        "COMMENTED",
        "DISMISSED",
        "PENDING",
      ),
      onHead: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        const reviews = events.map((e) => review(e.reviewer, e.state, e.onHead ? HEAD : OLD));
        const expected = ["ann", "bob", "cat"].filter((name) => {
          const last = reviews
            .filter((r) => r.reviewer === name && ["APPROVED", "CHANGES_REQUESTED", "DISMISSED"].includes(r.state))
            .at(-1);
          return last?.state === "APPROVED" && last.commitId === HEAD;
        });
        expect(approversOfHead(reviews, HEAD)).toEqual(expected);
      }),
    );
  });
});

describe("decideApproval", () => {
  const policy = (approval: string, requiredApprovals = 1) => ({ approval, requiredApprovals });

  it("counts only approvals from users with write access", async () => {
    const reviews = [review("ann", "APPROVED"), review("outsider", "APPROVED")];
    const one = await decideApproval(policy("review"), HEAD, source(pull, reviews, ["ann"]));
    expect(one).toMatchObject({ approved: true, approvers: ["ann"], pullRequest: 12 });
    const two = await decideApproval(policy("review", 2), HEAD, source(pull, reviews, ["ann"]));
    expect(two.approved).toBe(false);
    expect(two.reason).toMatch(/1 of 2 required.*not counted, no write access: outsider/);
  });

  it("refuses when no pull request brought the commit", async () => {
    const decision = await decideApproval(policy("review"), HEAD, source(undefined, [], []));
    expect(decision).toMatchObject({ approved: false });
    expect(decision.reason).toMatch(/no pull request brought commit/);
  });

  it("checks labels without regard to case", async () => {
    expect((await decideApproval(policy("label:Ship-It"), HEAD, source(pull, [], []))).approved).toBe(true);
    expect((await decideApproval(policy("label:deploy"), HEAD, source(pull, [], []))).approved).toBe(false);
  });

  it("trusts none without asking GitHub, and the local user without a source", async () => {
    const failing = environmentSource([], []);
    failing.deploymentReviews = refuse;
    expect((await decideApproval(policy("none"), HEAD, failing)).approved).toBe(true);
    expect((await decideApproval(policy("review"), undefined, undefined)).reason).toMatch(/command line/);
  });
});

describe("decideApproval with approval: environment", () => {
  const policy = { approval: "environment", requiredApprovals: 1 };
  const release: EnvironmentFacts = { name: "model-release", requiredReviewers: ["ann", "ml-leads"] };
  const approved = (reviewer: string, environments = ["model-release"]): DeploymentReviewFacts => ({
    environments,
    state: "approved",
    reviewer,
  });

  it("refuses a run nobody reviewed, naming the settings page", async () => {
    const decision = await decideApproval(policy, HEAD, environmentSource([], [release]));
    expect(decision).toMatchObject({ approved: false, approvers: [] });
    expect(decision.reason).toContain("no reviewer approved this workflow run");
    expect(decision.reason).toContain(SETTINGS);
  });

  it("refuses an approval of an environment that has no required reviewers or no longer exists", async () => {
    const open = { name: "model-release", requiredReviewers: [] };
    const without = await decideApproval(policy, HEAD, environmentSource([approved("ann")], [open]));
    expect(without.approved).toBe(false);
    expect(without.reason).toMatch(/"model-release" has no required reviewers.*settings\/environments/);
    const gone = await decideApproval(policy, HEAD, environmentSource([approved("ann")], []));
    expect(gone.reason).toMatch(/"model-release" does not exist/);
  });

  it("accepts reviewers' approval of an environment with required reviewers and names them", async () => {
    const decision = await decideApproval(
      policy,
      HEAD,
      environmentSource([approved("bob"), approved("ann"), approved("bob")], [release]),
    );
    expect(decision).toMatchObject({ approved: true, policy: "environment", approvers: ["ann", "bob"] });
    expect(decision.reason).toBe(
      'bob, ann approved this workflow run\'s deployment to "model-release" (required reviewers: ann, ml-leads)',
    );
  });

  it("refuses when a reviewer rejected a deployment of the run", async () => {
    const rejected: DeploymentReviewFacts = { environments: ["model-release"], state: "rejected", reviewer: "cat" };
    const decision = await decideApproval(policy, HEAD, environmentSource([approved("ann"), rejected], [release]));
    expect(decision.approved).toBe(false);
    expect(decision.reason).toMatch(/rejected .*"model-release"/);
  });

  it("keeps each environment's latest decision; pending comments decide nothing", () => {
    const reviews: DeploymentReviewFacts[] = [
      { environments: ["model-release"], state: "rejected", reviewer: "cat" },
      approved("ann"),
      { environments: ["model-release"], state: "pending", reviewer: "dan" },
      approved("bob", ["staging", "model-release"]),
    ];
    expect(environmentDecisions(reviews)).toEqual([
      { environment: "model-release", state: "approved", approvers: ["ann", "bob"] },
      { environment: "staging", state: "approved", approvers: ["bob"] },
    ]);
  });
});
