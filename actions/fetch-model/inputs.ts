import { z } from "zod";
import { actionInputs, tokenInput } from "@ctrain/github";

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
    "github-token": tokenInput.describe(
      "Token that reads the releases (a token with access to `repository` when it is another one).",
    ),
  },
  {},
);
