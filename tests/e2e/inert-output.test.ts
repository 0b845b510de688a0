import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction } from "../harness/run-action.js";

/** A payload that would start a workflow command if any line of the log began with it. */
const PAYLOAD = "::error::pwned";

describe("text from data reaches the action's log inert", () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness("ctrain-inert-e2e-");
  });
  afterEach(() => harness.stop());

  it("a CSV header, a failing value and a config description holding a newline and `::` start no command", async () => {
    const { fake, runtime, workspace } = harness;
    fake.state.addRepo("octo/churn");
    mkdirSync(join(workspace, "data"));
    writeFileSync(join(workspace, "data", "d.csv"), `id,"c\n${PAYLOAD}",y\n1,"a\n${PAYLOAD}",1\n2,b,0\n`);
    writeFileSync(
      join(workspace, "ctrain.yml"),
      [
        "model: { name: churn, description: " + JSON.stringify(`churn\n${PAYLOAD}`) + " }",
        "compare: { baseline: none }",
        "data:",
        "  datasets:",
        "    d:",
        "      path: data/d.csv",
        "      label: y",
        "      columns:",
        "        id: { type: integer, max: 1 }",
        "",
      ].join("\n"),
    );
    const result = await runAction("validate", {
      github: fake,
      runtime,
      workspace,
      event: { name: "push", payload: { ref: "refs/heads/main", repository: { full_name: "octo/churn" } } },
      permissions: { contents: "read", actions: "read" },
    });
    // The dataset failed its check (id 2 > 1), so the action ran every printing path it has.
    expect(result.exitCode).toBe(1);
    // An injected line would parse as the command `error` with the message "pwned"; escaped text stays inside the
    // message of ctrain's own annotations and log lines.
    expect(result.commands.filter((command) => command.message === "pwned")).toEqual([]);
    expect(result.stdout).toContain("pwned");
  });
});
