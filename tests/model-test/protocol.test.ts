import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineReader, commandArgv, describeCommand, parseResponse } from "@ctrain/model-test";

describe("response lines", () => {
  it("are JSON objects; anything else says what it got", () => {
    expect(parseResponse('{"label": 1}')).toEqual({ value: { label: 1 } });
    expect(parseResponse("[1]")).toEqual({ problem: 'the response is not a JSON object: "[1]"' });
    expect(parseResponse("null")).toEqual({ problem: 'the response is not a JSON object: "null"' });
    expect(parseResponse("1")).toEqual({ problem: 'the response is not a JSON object: "1"' });
    expect(parseResponse("ready")).toEqual({ problem: 'the response is not JSON: "ready"' });
  });
});

describe("the line reader", () => {
  it("gives the same lines however the bytes are split into chunks (LF, CRLF, multi-byte characters)", async () => {
    const text = fc.array(
      fc.string({ unit: "grapheme", maxLength: 20 }).map((line) => line.replace(/[\r\n]/g, "")),
      {
        minLength: 1,
        maxLength: 20,
      },
    );
    await fc.assert(
      fc.asyncProperty(text, fc.boolean(), fc.array(fc.nat(), { maxLength: 10 }), async (lines, crlf, cuts) => {
        const bytes = Buffer.from(lines.map((line) => line + (crlf ? "\r\n" : "\n")).join(""));
        const reader = new LineReader(1000);
        const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        let start = 0;
        for (const point of [...points, bytes.length]) {
          reader.push(bytes.subarray(start, point));
          start = point;
        }
        reader.end();
        const read: string[] = [];
        for (let line = await reader.next(); line; line = await reader.next()) read.push(line.text);
        expect(read).toEqual(lines);
      }),
    );
  });

  it("stops at a line longer than its limit instead of buffering it", async () => {
    const reader = new LineReader(10);
    reader.push(Buffer.from("short\n" + "x".repeat(11)));
    expect((await reader.next())?.text).toBe("short");
    expect(await reader.next()).toBeUndefined();
    expect(reader.overflowed).toBe(true);
  });
});

describe("the command line", () => {
  const hostile = `x"; touch /tmp/ctrain-pwned; echo "$(id)' \`id\``;

  it("runs a command string with bash as one argument, and an argv list as-is, without a shell", () => {
    expect(commandArgv("python serve.py")).toEqual([
      "bash",
      "--noprofile",
      "--norc",
      "-eo",
      "pipefail",
      "-c",
      "python serve.py",
      "ctrain-model-test",
    ]);
    expect(commandArgv(["python", hostile])).toEqual(["python", hostile]);
  });

  it("passes each argv word to the program unchanged, shell metacharacters included", () => {
    const [file, ...args] = commandArgv([
      process.execPath,
      "-e",
      "console.log(JSON.stringify(process.argv.slice(1)))",
      hostile,
    ]);
    const result = spawnSync(file!, args, { encoding: "utf8" });
    expect(JSON.parse(result.stdout)).toEqual([hostile]);
  });

  it("runs in a container with no network, the workspace read-only, and the command's words kept apart", () => {
    const argv = commandArgv(["python", hostile], {
      image: "python:3.12-slim",
      name: "ctrain-model-test-1",
      mount: "/work/repo",
      cwd: "/work/repo/serve",
      env: ["CTRAIN_MODEL_DIR", "API_MODE"],
    });
    expect(argv).toEqual([
      "docker",
      "run",
      "--rm",
      "--interactive",
      "--network",
      "none",
      "--name",
      "ctrain-model-test-1",
      "--volume",
      "/work/repo:/work/repo:ro",
      "--workdir",
      "/work/repo/serve",
      "--env",
      "CTRAIN_MODEL_DIR",
      "--env",
      "API_MODE",
      "--",
      "python:3.12-slim",
      "python",
      hostile,
    ]);
    expect(
      commandArgv("python serve.py", { image: "i", name: "n", mount: "/w", cwd: "/w", env: [] }).slice(-4),
    ).toEqual(["sh", "-c", "python serve.py", "ctrain-model-test"]);
  });

  it("is shown as configured", () => {
    expect(describeCommand("python serve.py")).toBe("python serve.py");
    expect(describeCommand(["python", "serve check.py"])).toBe('"python" "serve check.py"');
  });
});
