import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ["default", "./tests/support/closing-line-reporter.ts"],
    pool: "forks",
    // Most end-to-end time is spent waiting on child processes (actions, Python, Chromium): two workers overlap it.
    maxWorkers: 2,
    setupFiles: ["./tests/support/fast-check-setup.ts", "./tests/support/temp-dir-cleanup.ts"],
    // A temp folder per run, and a failed run when a test leaves anything in it.
    globalSetup: ["./tests/support/temp-dir-setup.ts"],
    // The workflow parser imports JSON without import attributes, which Node refuses; let Vite load it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
