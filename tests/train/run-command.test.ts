import { writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GpuSampler, runCommand, parseTimesReport, signalOfExitCode } from "@ctrain/train";
import { processesTagged, processesWithArgument } from "./processes.js";
import { tempDir } from "../support/temp-dir.js";

function workDir(): string {
  return tempDir("ctrain-train-");
}

const baseOptions = (cwd: string, command: string, extra: Partial<Parameters<typeof runCommand>[0]> = {}) => ({
  command,
  cwd,
  env: { ...process.env },
  timeoutMs: 60_000,
  killGraceMs: 1000,
  logTailLines: 20,
  ...extra,
});

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
    text: () => Buffer.concat(chunks).toString("utf8"),
  };
}

describe("runCommand", () => {
  it("runs with bash -eo pipefail, merges stderr in order and reports the exit code", async () => {
    const cwd = workDir();
    const out = collect();
    const outcome = await runCommand(baseOptions(cwd, "echo one; echo two >&2; false | true; echo three; exit 3"), {
      output: out.stream,
    });
    expect(outcome.status).toBe("failed");
    // pipefail: `false | true` fails, so -e stops before "three".
    expect(outcome.exitCode).toBe(1);
    expect(out.text()).toBe("one\ntwo\n");
    expect(outcome.logTail).toEqual(["one", "two"]);
  });

  it("succeeds with exit code 0 and records wall and CPU time", async () => {
    const outcome = await runCommand(
      baseOptions(workDir(), "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; sleep 0.3; echo done"),
    );
    expect(outcome.status).toBe("succeeded");
    expect(outcome.exitCode).toBe(0);
    expect(outcome.signal).toBeNull();
    expect(outcome.resources.wallSeconds).toBeGreaterThanOrEqual(0.3);
    // The busy loop burns CPU, the sleep does not: CPU time is positive and below wall time.
    expect(outcome.resources.cpuSeconds).toBeGreaterThan(0.05);
    expect(outcome.resources.cpuSeconds).toBeLessThan(outcome.resources.wallSeconds);
    expect(outcome.logTail).toEqual(["done"]);
  });

  it("reports a command killed by a signal with the signal's name", async () => {
    const outcome = await runCommand(baseOptions(workDir(), "sleep 30 & kill -KILL $$"));
    expect(outcome.status).toBe("failed");
    expect(outcome.exitCode).toBe(137);
    expect(outcome.signal).toBe("SIGKILL");
  });

  it("measures the peak resident memory of the whole tree", async () => {
    // Two Python processes each hold ~150 MB at the same time (each waits until both have allocated, then holds
    // for a second): the tree's peak is their sum, more than either process's own peak.
    const hold =
      `/usr/bin/python3 -c "import os, time; b = bytearray(150 * 1024 * 1024); open(f'ready-{os.getpid()}', 'w');` +
      ` [time.sleep(0.05) for _ in iter(lambda: len([f for f in os.listdir('.') if f.startswith('ready-')]) < 2, False)];` +
      ` time.sleep(1)"`;
    const outcome = await runCommand(baseOptions(workDir(), `${hold} & ${hold}; wait`), {
      sampleIntervalMs: 100,
    });
    expect(outcome.status).toBe("succeeded");
    expect(outcome.resources.peakRssBytes).toBeGreaterThan(300 * 1024 * 1024);
    expect(outcome.resources.peakRssBytes).toBeLessThan(600 * 1024 * 1024);
  });

  it("after the timeout no process of the tree remains, escaped ones included", async () => {
    const cwd = workDir();
    const tag = randomUUID();
    const script = [
      "sleep 1000 &", // a child
      "bash -c 'sleep 1000 & wait' &", // a grandchild
      "setsid sleep 1000 &", // a new session, still a child of bash
      "( setsid bash -c 'sleep 1000' & )", // double fork into a new session: orphaned at once
      "( ( sleep 1000 & ) & )", // double fork, same group
      "bash -c 'trap \"\" TERM; while true; do sleep 1; done' &", // ignores TERM: needs KILL
      "echo started",
      "sleep 1000",
    ].join("\n");
    const started = performance.now();
    const outcome = await runCommand(
      baseOptions(cwd, script, {
        env: { ...process.env, TREE_TEST_TAG: tag },
        timeoutMs: 1500,
        killGraceMs: 500,
      }),
    );
    expect(outcome.status).toBe("timed-out");
    expect(outcome.exitCode).toBeNull();
    expect(outcome.signal).toBe("SIGTERM");
    expect(outcome.logTail).toEqual(["started"]);
    expect(performance.now() - started).toBeGreaterThan(1500);
    expect(processesTagged(tag)).toEqual([]);
  });

  it("stops background processes left running after the command exits", async () => {
    const tag = randomUUID();
    const outcome = await runCommand(
      baseOptions(workDir(), "( setsid sleep 1000 & ); sleep 1000 & echo bye", {
        env: { ...process.env, TREE_TEST_TAG: tag },
      }),
    );
    expect(outcome.status).toBe("succeeded");
    expect(outcome.strayProcesses).toBe(2);
    expect(processesTagged(tag)).toEqual([]);
  });

  it.each([
    ["at the timeout", "; sleep 1000", "timed-out"],
    ["left running after the command exits", "", "succeeded"],
  ])(
    "stops a grandchild with a cleared environment in its own session that ignores TERM, %s",
    async (_when, rest, status) => {
      // Orphaned at once (before any sample) and without the marker: found through the output pipe it holds.
      const duration = `1000.${Math.floor(Math.random() * 1e6)}`;
      const command = `(env -i setsid sh -c 'trap "" TERM; sleep ${duration}' &)${rest}`;
      const outcome = await runCommand(baseOptions(workDir(), command, { timeoutMs: 1000, killGraceMs: 300 }));
      expect(outcome.status).toBe(status);
      expect(processesWithArgument(duration)).toEqual([]);
    },
  );

  it("cancellation stops the tree and reports cancelled", async () => {
    const tag = randomUUID();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const outcome = await runCommand(
      baseOptions(workDir(), "sleep 1000 & sleep 1000", { env: { ...process.env, TREE_TEST_TAG: tag } }),
      { signal: controller.signal },
    );
    expect(outcome.status).toBe("cancelled");
    expect(processesTagged(tag)).toEqual([]);
  });

  it("keeps memory flat on huge output", async () => {
    // ~400 MB of output through the live stream and the tail; a buffer of it would show in the heap.
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const outcome = await runCommand(
      baseOptions(
        workDir(),
        `head -c 400000000 /dev/zero | tr '\\0' 'x' | fold -w 199; echo; printf 'last line without newline'`,
      ),
      { output: sink },
    );
    const growth = process.memoryUsage().heapUsed - before;
    expect(outcome.status).toBe("succeeded");
    expect(outcome.outputLines).toBeGreaterThan(2_000_000);
    expect(outcome.logTail.at(-1)).toBe("last line without newline");
    expect(outcome.logTail).toHaveLength(20);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  });

  it("says so when bash cannot be found, without signalling anything", async () => {
    await expect(runCommand(baseOptions(workDir(), "true", { env: { PATH: "/nonexistent" } }))).rejects.toThrow(
      /could not start bash: spawn bash ENOENT/,
    );
  });

  it("names a missing working directory", async () => {
    await expect(runCommand(baseOptions("/nonexistent/ctrain", "true"))).rejects.toThrow(
      /working directory \/nonexistent\/ctrain does not exist/,
    );
  });

  it("samples GPU name and peak memory through nvidia-smi when it exists", async () => {
    const bin = workDir();
    const fake = join(bin, "nvidia-smi");
    const printed = join(bin, "printed");
    // Two GPUs; memory rises then falls; the flags must be the real tool's. The training command waits until the
    // stand-in has printed every sample, so the test does not depend on timing.
    writeFileSync(
      fake,
      [
        "#!/bin/bash",
        'case " $* " in *" --query-gpu=index,name,memory.used "*) ;; *) exit 9;; esac',
        'case " $* " in *" --format=csv,noheader,nounits "*) ;; *) exit 9;; esac',
        'case " $* " in *" --loop-ms="*) ;; *) exit 9;; esac',
        "for used in 100 2000 500; do",
        '  echo "0, NVIDIA A10G, $used"',
        '  echo "1, NVIDIA A10G, [N/A]"',
        "done",
        `touch ${printed}`,
        "exec sleep 1000",
      ].join("\n"),
    );
    chmodSync(fake, 0o755);
    const outcome = await runCommand(baseOptions(workDir(), `until [ -f ${printed} ]; do sleep 0.05; done`), {
      gpu: new GpuSampler(fake, 50),
    });
    expect(outcome.resources.gpu).toEqual({ name: "2 x NVIDIA A10G", peakMemoryBytes: 2000 * 1024 * 1024 });
  });
});

describe("parseTimesReport", () => {
  it("adds the children's user and system time", () => {
    expect(parseTimesReport("0m0.001s 0m0.002s\n1m2.500s 0m0.250s\n")).toBeCloseTo(62.75, 9);
    expect(parseTimesReport("0m0,001s 0m0,002s\n0m1,500s 0m0,250s\n")).toBeCloseTo(1.75, 9);
    expect(parseTimesReport("")).toBeUndefined();
  });
});

describe("signalOfExitCode", () => {
  it("reads 128+N as signal N", () => {
    expect(signalOfExitCode(137)).toBe("SIGKILL");
    expect(signalOfExitCode(143)).toBe("SIGTERM");
    expect(signalOfExitCode(1)).toBeNull();
    expect(signalOfExitCode(null)).toBeNull();
  });
});
