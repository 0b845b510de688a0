import { z } from "zod";
import { actionInputs, booleanInput, tokenInput } from "@ctrain/github";

/** `owner/name`, as the API names a repository. */
const repositoryInput = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "expected owner/name")
  .transform((value) => {
    const [owner, repo] = value.split("/") as [string, string];
    return { owner, repo };
  });

/** The action's inputs as action.yml declares them (a test holds the two together), and the keys they override. */
export const INPUTS = actionInputs(
  {
    model: z
      .string()
      .optional()
      .describe(
        "The model's name. Defaults to the model of the release that started this run, then to `model.name` in ctrain.yml.",
      ),
    version: z
      .string()
      .default("auto")
      .describe(
        "Which version: auto (the release that started this run, else latest), latest (the highest version that is not a prerelease), a tag (churn@v1.2.0), a version (1.2.0) or a semver range (^1.2).",
      ),
    path: z
      .string()
      .default(".ctrain/model")
      .describe("Folder to fetch into. It is replaced only when empty or written by an earlier fetch."),
    repository: repositoryInput.optional().describe("The repository (owner/name) whose releases hold the model."),
    config: z
      .string()
      .default("ctrain.yml")
      .describe("Path to ctrain.yml, read only for `model.name` when `model` is not given."),
    "trusted-root": z
      .string()
      .optional()
      .describe(
        "Sigstore trusted roots (JSON, or JSON Lines as `gh attestation trusted-root` writes them) to verify the model files' provenance attestations against. Empty: attestations are not checked.",
      ),
    "require-attestation": booleanInput
      .default(false)
      .describe(
        "Refuse a model file that no attestation covers (needs trusted-root). Files whose attestation fails to verify are refused either way.",
      ),
    "signer-workflow": z
      .string()
      .optional()
      .describe(
        "The workflow that must have signed the attestation: .github/workflows/release-model.yml in `repository`, or owner/name/.github/workflows/release-model.yml for a reusable workflow. Empty: any workflow of `repository`.",
      ),
    "github-token": tokenInput.describe(
      "Token that reads the releases (a token with access to `repository` when it is another one).",
    ),
  },
  {},
);
