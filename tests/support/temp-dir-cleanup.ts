import { afterAll } from "vitest";
import { removeTempDirs } from "./temp-dir.js";

// Runs before each test file: the folders its tests made with tempDir go when its last test has run.
afterAll(removeTempDirs);
