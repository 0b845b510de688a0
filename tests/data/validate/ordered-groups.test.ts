import { describe, expect, it } from "vitest";
import { OrderedGroups } from "../../../packages/data/src/validate/ordered-groups.js";
import { ThreadBudget } from "../../../packages/data/src/validate/thread-budget.js";

function recorder(): { lines: string[]; groups: OrderedGroups } {
  const lines: string[] = [];
  const log = {
    info: (message: string) => lines.push(message),
    startGroup: (name: string) => lines.push(`[${name}`),
    endGroup: () => lines.push("]"),
  };
  return { lines, groups: new OrderedGroups(["a", "b", "c"], log) };
}

describe("datasets' log groups", () => {
  it("come out whole and in order whatever order the datasets finish in", () => {
    const { lines, groups } = recorder();
    const [a, b, c] = [0, 1, 2].map((index) => groups.logOf(index));
    c!.info("c1");
    a!.info("a1");
    b!.info("b1");
    c!.info("c2");
    groups.finish(2);
    a!.info("a2");
    groups.finish(0);
    b!.info("b2");
    groups.finish(1);
    expect(lines).toEqual(["[a", "a1", "a2", "]", "[b", "b1", "b2", "]", "[c", "c1", "c2", "]"]);
  });

  it("pass the first unfinished dataset's lines straight through", () => {
    const { lines, groups } = recorder();
    groups.logOf(1).info("b1");
    groups.finish(0);
    expect(lines).toEqual(["[a", "]", "[b", "b1"]);
    groups.logOf(1).info("b2");
    expect(lines.at(-1)).toBe("b2");
  });
});

describe("the thread budget", () => {
  it("runs work in turn: one that takes every thread waits for those before it and holds back those after it", async () => {
    const budget = new ThreadBudget(2);
    const events: string[] = [];
    const release: Record<string, () => void> = {};
    const job = (name: string, threads: number) =>
      budget.run(threads, async () => {
        events.push(`start ${name}`);
        await new Promise<void>((resolve) => (release[name] = resolve));
        events.push(`end ${name}`);
      });
    const settled = new Promise<void>((resolve) => setImmediate(resolve));
    const all = Promise.all([job("a", 1), job("b", 1), job("big", 5), job("c", 1)]);
    await settled;
    expect(events).toEqual(["start a", "start b"]);
    release.b!();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(events).toEqual(["start a", "start b", "end b"]);
    release.a!();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(events.slice(3)).toEqual(["end a", "start big"]);
    release.big!();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(events.slice(5)).toEqual(["end big", "start c"]);
    release.c!();
    await all;
  });
});
