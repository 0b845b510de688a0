import { z } from "zod";
import { actionInputs, booleanInput, integerInput, tokenInput } from "@ctrain/github";

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    config: z
      .string()
      .default("ctrain.yml")
      .describe("Path to ctrain.yml (its `model:` section names the model, `publish:` holds the policy)."),
    bundle: z
      .string()
      .default(".ctrain")
      .describe("The run bundle folder holding run.json and comparison.json (validation.json when present)."),
    "model-root": z.string().default(".").describe("The folder the model file paths in run.json are relative to."),
    approval: z
      .string()
      .optional()
      .describe(
        "Who must approve: review (approvals on the pull request's final commit), label:<name>, environment (the job's environment has required reviewers) or none. Overrides publish.approval.",
      ),
    "required-approvals": integerInput
      .optional()
      .describe(
        "How many approvals from users with write access the review policy needs. Overrides publish.required-approvals.",
      ),
    bump: z
      .string()
      .optional()
      .describe("Which part of the latest version to bump: major, minor or patch. Overrides publish.bump."),
    version: z
      .string()
      .optional()
      .describe("An explicit version (1.4.0) instead of a bump. Overrides publish.version."),
    "make-latest": z
      .string()
      .optional()
      .describe("Mark the release as the repository's latest: true, false or legacy. Overrides publish.make-latest."),
    prerelease: booleanInput
      .optional()
      .describe("Publish as a prerelease (<next>-rc.<n>), which is never the champion. Overrides publish.prerelease."),
    attest: booleanInput
      .optional()
      .describe(
        "Sign SLSA build provenance over the model files (needs id-token, attestations and artifact-metadata write). Overrides publish.attest.",
      ),
    "github-token": tokenInput.describe(
      "Token that creates the release. Use a GitHub App token for releases that must start other workflows.",
    ),
  },
  {
    approval: "publish.approval",
    "required-approvals": "publish.required-approvals",
    bump: "publish.bump",
    version: "publish.version",
    "make-latest": "publish.make-latest",
    prerelease: "publish.prerelease",
    attest: "publish.attest",
  },
);
