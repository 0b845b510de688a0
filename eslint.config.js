import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "tests/fixtures/**", "**/*.generated.*"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-console": "off",
    },
  },
  {
    files: ["packages/*/src/**/*.ts", "actions/**/*.ts"],
    ignores: ["packages/github/src/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@octokit/*", "@actions/github"], message: "Only packages/github talks to GitHub." }] },
      ],
    },
  },
);
