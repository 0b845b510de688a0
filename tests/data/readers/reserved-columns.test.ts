import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CtrainConfig, isUserError } from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";
import { readMetricFile } from "@ctrain/metrics";

const dir = mkdtempSync(join(tmpdir(), "ctrain-reserved-columns-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("columns and metric names that reach the prototype", () => {
  it.each([
    ["d.csv", "id,__proto__,y\n1,2,0\n", /d\.csv.*"__proto__" uses a reserved name/s],
    ["d.tsv", "id\tconstructor\ty\n1\t2\t0\n", /d\.tsv.*"constructor" uses a reserved name/s],
    [
      "d.jsonl",
      '{"id": 1, "y": 0}\n{"id": 2, "prototype": 1, "y": 1}\n',
      /d\.jsonl:2.*"prototype" uses a reserved name/s,
    ],
    ["e.jsonl", '{"id": 1, "__proto__": {"x": 1}, "y": 0}\n', /e\.jsonl:1.*"__proto__" uses a reserved name/s],
  ])("%s is refused with the file and the name", async (file, content, expected) => {
    writeFileSync(join(dir, file), content);
    const config = CtrainConfig.parse({ data: { datasets: { d: { path: file } } } });
    const { errors } = await validateDatasets(config, { cwd: dir });
    expect(errors).toHaveLength(1);
    expect(isUserError(errors[0])).toBe(true);
    expect(errors[0]!.format()).toMatch(expected);
  });

  it("a name-value metric table refuses a reserved metric name at its line", async () => {
    writeFileSync(join(dir, "metrics.csv"), "name,value\naccuracy,0.9\n__proto__,1\n");
    await expect(readMetricFile(join(dir, "metrics.csv"))).rejects.toSatisfy(
      (error) => isUserError(error) && /metrics\.csv:3/.test(error.format()),
    );
  });
});
