import type { GitHubClient } from "../client-timing.js";
import { explainGitHubError } from "../errors.js";

/** The login GITHUB_TOKEN's comments carry. */
export const ACTIONS_BOT_LOGIN = "github-actions[bot]";

/**
 * Who the token comments as, so only its own comments are ever updated. A personal token answers `GET /user`;
 * an installation token (GITHUB_TOKEN, a GitHub App) gets 403 there and comments as its bot, `fallbackLogin`.
 */
export async function commentAuthorOf(client: GitHubClient, fallbackLogin = ACTIONS_BOT_LOGIN): Promise<string> {
  try {
    const { data } = await client.rest.users.getAuthenticated();
    return data.login;
  } catch (error) {
    if ((error as { status?: number }).status === 403) return fallbackLogin;
    return explainGitHubError(error, "comment", "find out which account the token comments as");
  }
}
