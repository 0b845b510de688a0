// `npm run demo`: the example pipeline twice in a temporary git repository, as a new user would run it.
// main trains the baseline; a branch changes params and gets slightly drifted data; ctrain compares the two.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "dist/cli/index.js");
const project = mkdtempSync(join(tmpdir(), "ctrain-demo-"));
const git = (...args) =>
  execFileSync("git", ["-c", "user.name=ctrain demo", "-c", "user.email=demo@example.com", ...args], {
    cwd: project,
    stdio: "ignore",
  });

function ctrain(title, ...args) {
  console.log(`\n### ${title}\n$ ctrain ${args.join(" ")}`);
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: project,
    stdio: ["ignore", "inherit", "pipe"],
    encoding: "utf8",
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.status !== 0 && result.status !== 1) {
    process.stderr.write(result.stderr);
    throw new Error(`ctrain ${args.join(" ")} failed with exit code ${result.status}`);
  }
  console.log(`(${seconds}s, exit code ${result.status})`);
}

cpSync(join(root, "examples/node-classifier"), project, {
  recursive: true,
  filter: (source) => !/\/(out|\.ctrain|\.ctrain-store|\.github)(\/|$)/.test(source),
});
git("init", "-q", "-b", "main");
git("add", "-A");
git("commit", "-qm", "churn classifier");
console.log(`demo project: ${project}`);

ctrain("1. main: the baseline run (validate, train, compare, report, record)", "run");

git("checkout", "-q", "-b", "more-epochs-new-data");
execFileSync(process.execPath, ["generate-data.mjs", "--drift"], { cwd: project, stdio: "ignore" });
execFileSync(
  process.execPath,
  [
    "-e",
    "const f='params.json';const fs=require('fs');const p=JSON.parse(fs.readFileSync(f));p.epochs=400;p.learning_rate=0.3;fs.writeFileSync(f,JSON.stringify(p,null,2))",
  ],
  { cwd: project },
);
git("commit", "-qam", "more epochs, a gentler learning rate, this month's data");

ctrain("2. a branch: changed params and slightly drifted data, compared with main's run", "run");
ctrain("3. the comparison as DVC prints it", "compare", "--md");

console.log(
  `\nOpen the report: ${join(project, ".ctrain/report.html")}\n(markdown: ${join(project, ".ctrain/report.md")})`,
);
