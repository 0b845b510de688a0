import { describe, expect, it } from "vitest";
import { CtrainConfig } from "@ctrain/core";
import { baselineFacts, fromProfileDocument, inferColumnRules, validateDatasets } from "@ctrain/data";
import { workspace } from "./support.js";

async function profileOf(csv: string) {
  const dir = workspace({ "data.csv": csv });
  const { profiles } = await validateDatasets(CtrainConfig.parse({ data: { datasets: { d: { path: "data.csv" } } } }), {
    cwd: dir,
  });
  return fromProfileDocument(profiles[0]!, "profile");
}

describe("schema inferred from a baseline profile, as TFDV infers one", () => {
  it("infers types, presence, ranges and small string domains", async () => {
    const many = Array.from({ length: 150 }, (_, i) => `w${i}`);
    const rows = many.map(
      (word, i) =>
        `${i},${(i % 7) / 2},${i % 2 ? "red" : "blue"},${word},${i % 3 ? "" : "x"},${i % 2 ? "true" : "false"}`,
    );
    const profile = await profileOf(`n,f,color,word,sparse,flag\n${rows.join("\n")}\n`);
    const rules = inferColumnRules(profile);
    expect(rules.n).toEqual({
      required: true,
      "allow-nan": false,
      unique: false,
      type: "integer",
      "max-null-share": 0,
      min: 0,
      max: 149,
    });
    expect(rules.f).toMatchObject({ type: "float", min: 0, max: 3 });
    expect(rules.color).toEqual({
      required: true,
      "allow-nan": false,
      unique: false,
      type: "string",
      "max-null-share": 0,
      "allowed-values": ["blue", "red"],
    });
    // 150 distinct values: no domain; a column with nulls: no presence rule.
    expect(rules.word!["allowed-values"]).toBeUndefined();
    expect(rules.sparse!["max-null-share"]).toBeUndefined();
    expect(rules.flag).toMatchObject({ type: "boolean" });
  });

  it("lists the label's classes when the profile counted them all", async () => {
    const profile = await profileOf("x,label\n1,cat\n2,dog\n3,1.0\n");
    const facts = baselineFacts(profile, { description: "the baseline", label: "label" });
    expect(facts.rows).toBe(3);
    expect([...facts.labels!].sort()).toEqual(["1", "cat", "dog"]);
  });
});
