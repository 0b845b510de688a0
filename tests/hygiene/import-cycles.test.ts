import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import ts from "typescript";
import { glob } from "tinyglobby";
import { describe, expect, it } from "vitest";

/** The files a module imports by relative path (static, type-only, re-exports, dynamic), resolved to .ts files. */
function localImports(file: string, source: string): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, ".ts")))
    .filter((path) => existsSync(path));
}

/** Every strongly connected group of more than one module (or a module importing itself): each is an import cycle. */
function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  // Tarjan's algorithm, iterative so deep import chains cannot overflow the stack.
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, index.size);
    lowLink.set(start, index.get(start)!);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1]!;
      const edges = graph.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const target = edges[frame.next++]!;
        if (!index.has(target)) {
          index.set(target, index.size);
          lowLink.set(target, index.get(target)!);
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.node, Math.min(lowLink.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.node, Math.min(lowLink.get(parent.node)!, lowLink.get(frame.node)!));
      if (lowLink.get(frame.node) !== index.get(frame.node)) continue;
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== frame.node);
      if (group.length > 1 || edges.includes(frame.node)) cycles.push(group.sort());
    }
  }
  return cycles;
}

describe("import cycles", () => {
  it("finds a cycle, a self-import, and none in a chain", () => {
    const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(importCycles(graph({ a: ["b"], b: ["c"], c: ["a"], d: ["a"] }))).toEqual([["a", "b", "c"]]);
    expect(importCycles(graph({ a: ["a"] }))).toEqual([["a"]]);
    expect(importCycles(graph({ a: ["b"], b: ["c"], c: [] }))).toEqual([]);
  });

  it("no module in a package or an action imports itself back, not even through types", async () => {
    const root = process.cwd();
    const files = await glob(["packages/*/src/**/*.ts", "actions/**/*.ts"], { cwd: root, absolute: true });
    const graph = new Map(files.map((file) => [file, localImports(file, readFileSync(file, "utf8"))]));
    const cycles = importCycles(graph).map((group) => group.map((file) => file.slice(root.length + 1)));
    expect(cycles).toEqual([]);
  });
});
