import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

// The layering (docs/how-it-fits.md): core at the bottom; readers and stats just above it; data above those; the other
// domain packages above; the two sides of the seam (github, local) above those, the hosts (actions, cli) on top. no-restricted-imports does not merge across config
// objects, so each layer below lists every restriction that applies to it.
const gitHubClients = {
  group: ["@octokit/*", "@actions/github"],
  message: "Only packages/github talks to GitHub.",
};
const packageInternals = {
  group: ["@ctrain/*/*"],
  message: "Import a package by its entry point (@ctrain/<name>), never by its files.",
};
const relativeIntoPackage = {
  regex: "^(\\.\\./)+(packages/|[\\w-]+/src(/|$))",
  message: "Import another package by its entry point (@ctrain/<name>), never by a relative path.",
};
const seamSides = {
  group: ["@ctrain/github", "@ctrain/local", "@ctrain/cli"],
  message: "Domain packages never depend on a host or a side of the seam: take the seam as an argument.",
};
const domainPackages = ["metrics", "train", "compare", "report", "publish", "history", "model-test"];
/** The bottom domain layers, each with the packages it may import (none of them a host or a side of the seam). */
const lowerLayers = [
  {
    names: ["readers", "stats"],
    allowed: ["@ctrain/core"],
    message: "readers and stats sit just above core: they import no other @ctrain package.",
  },
  {
    names: ["data"],
    allowed: ["@ctrain/core", "@ctrain/readers", "@ctrain/stats"],
    message: "data sits just above readers and stats: it imports only core, readers and stats.",
  },
];
const restrictImports = (files, patterns) => ({ files, rules: { "no-restricted-imports": ["error", { patterns }] } });

export default tseslint.config(
  // AssemblyScript (packages/*/assembly) is TypeScript's syntax with WebAssembly's types: its compiler checks it.
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "tests/fixtures/**",
      "**/*.generated.*",
      "packages/*/assembly/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "no-console": "off",
    },
  },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
  restrictImports(
    ["packages/core/src/**/*.ts"],
    [
      { group: ["@ctrain/*"], message: "core is the bottom layer: it imports no other package." },
      gitHubClients,
      relativeIntoPackage,
    ],
  ),
  restrictImports(
    domainPackages.map((name) => `packages/${name}/src/**/*.ts`),
    [seamSides, packageInternals, gitHubClients, relativeIntoPackage],
  ),
  ...lowerLayers.map(({ names, allowed, message }) =>
    restrictImports(
      names.map((name) => `packages/${name}/src/**/*.ts`),
      [
        { group: ["@ctrain/*", ...allowed.map((name) => `!${name}`)], message },
        packageInternals,
        gitHubClients,
        relativeIntoPackage,
      ],
    ),
  ),
  restrictImports(
    ["packages/local/src/**/*.ts"],
    [
      { group: ["@ctrain/github", "@ctrain/cli"], message: "The local side of the seam never depends on GitHub's." },
      packageInternals,
      gitHubClients,
      relativeIntoPackage,
    ],
  ),
  restrictImports(
    ["packages/github/src/**/*.ts"],
    [
      {
        group: ["@ctrain/local", "@ctrain/cli"],
        message: "The GitHub side of the seam never depends on the local one.",
      },
      packageInternals,
      relativeIntoPackage,
    ],
  ),
  restrictImports(
    ["packages/cli/src/**/*.ts", "actions/**/*.ts"],
    [packageInternals, gitHubClients, relativeIntoPackage],
  ),
);
