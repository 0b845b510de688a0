import { execFileSync } from "node:child_process";
import { UserError } from "@ctrain/core";

/** Git through execFile with an argument list: refs and paths from users never reach a shell. */
export class GitRepository {
  constructor(readonly cwd: string) {}

  private run(args: string[], options: { allowFailure?: boolean } = {}): string | undefined {
    try {
      return execFileSync("git", args, {
        cwd: this.cwd,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 ** 2,
      }).trimEnd();
    } catch (error) {
      if (options.allowFailure) return undefined;
      const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
      throw new UserError(`git ${args.join(" ")} failed: ${stderr || (error as Error).message}`, {
        location: this.cwd,
      });
    }
  }

  isRepository(): boolean {
    return this.run(["rev-parse", "--is-inside-work-tree"], { allowFailure: true }) === "true";
  }

  /** The full sha of a ref, or undefined when the ref does not exist here. */
  resolve(ref: string): string | undefined {
    return this.run(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { allowFailure: true }) || undefined;
  }

  currentBranch(): string | undefined {
    const name = this.run(["symbolic-ref", "--quiet", "--short", "HEAD"], { allowFailure: true });
    return name || undefined;
  }

  /**
   * The branch changes merge into: what `origin/HEAD` names, else `init.defaultBranch`, `main` or `master`
   * (the first that exists here), else `init.defaultBranch` or `main`.
   */
  defaultBranch(): string {
    const remoteHead = this.run(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], {
      allowFailure: true,
    });
    if (remoteHead?.startsWith("origin/")) return remoteHead.slice("origin/".length);
    const configured = this.run(["config", "--get", "init.defaultBranch"], { allowFailure: true }) || undefined;
    const candidates = [configured, "main", "master"].filter((name): name is string => Boolean(name));
    return candidates.find((name) => this.resolve(`refs/heads/${name}`)) ?? configured ?? "main";
  }

  mergeBase(a: string, b: string): string | undefined {
    return this.run(["merge-base", a, b], { allowFailure: true }) || undefined;
  }

  isAncestor(ancestor: string, descendant: string): boolean {
    return this.run(["merge-base", "--is-ancestor", ancestor, descendant], { allowFailure: true }) !== undefined;
  }

  /** Commits reachable from `to` but not from `from`. */
  distance(from: string, to: string): number | undefined {
    const count = this.run(["rev-list", "--count", `${from}..${to}`], { allowFailure: true });
    return count === undefined ? undefined : Number(count);
  }

  isShallow(): boolean {
    return this.run(["rev-parse", "--is-shallow-repository"], { allowFailure: true }) === "true";
  }

  /** Fetches one ref at depth 1, which is what a shallow CI checkout lacks to read files at another ref. */
  fetchRef(remote: string, ref: string): boolean {
    return this.run(["fetch", "--no-tags", "--depth=1", remote, ref], { allowFailure: true }) !== undefined;
  }

  /** A file's content at a ref, or undefined when the file is not there. */
  showFile(ref: string, path: string): Buffer | undefined {
    try {
      return execFileSync("git", ["show", `${ref}:${path.replace(/^\.\//, "")}`], {
        cwd: this.cwd,
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 ** 2,
      });
    } catch {
      return undefined;
    }
  }

  remoteUrl(name: string): string | undefined {
    return this.run(["remote", "get-url", name], { allowFailure: true }) || undefined;
  }

  commitTime(sha: string): string | undefined {
    return this.run(["show", "-s", "--format=%cI", sha], { allowFailure: true }) || undefined;
  }
}
