// What `npm test` needs from the system before it starts: Debian's python3 with scikit-learn, statsmodels, pandas and
// scipy (the reference numbers), and chromium (the report and site tests). As root with apt-get it installs them;
// otherwise it stops at once with the one command that does.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PYTHON = "/usr/bin/python3";
const CHROMIUM = "/usr/bin/chromium";
const PYTHON_MODULES = ["sklearn", "statsmodels", "pandas", "scipy"];
const DEBIAN_PACKAGES = ["python3-sklearn", "python3-statsmodels", "python3-pandas", "python3-scipy", "chromium"];

function missing() {
  const absent = [];
  const imports = PYTHON_MODULES.map((module) => `import ${module}`).join("; ");
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ["-c", imports], { stdio: "ignore" }).status !== 0) {
    absent.push(`${PYTHON} with ${PYTHON_MODULES.join(", ")}`);
  }
  if (!existsSync(CHROMIUM)) absent.push(CHROMIUM);
  return absent;
}

const isRoot = process.getuid?.() === 0;
const hasAptGet = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
let absent = missing();
if (absent.length && isRoot && hasAptGet) {
  console.error(`installing ${DEBIAN_PACKAGES.join(" ")} (for ${absent.join(" and ")})`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...DEBIAN_PACKAGES], {
    stdio: ["ignore", "ignore", "inherit"],
    env,
  });
  absent = missing();
}
if (absent.length) {
  console.error(`npm test needs ${absent.join(" and ")}. Install them with:\n`);
  console.error(`  sudo apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES.join(" ")}\n`);
  console.error("(Debian or Ubuntu; elsewhere, run the tests in a Debian container or in CI.)");
  process.exit(1);
}
