// The example's trainer: logistic regression by gradient descent, plain Node, no dependencies.
// ctrain runs it with CTRAIN_PARAMS_FILE (the params, as JSON); it also runs alone with params.json.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";

// Outputs go to out/, where ctrain.yml says to find them.
const outDir = "out";
const paramsFile = process.env.CTRAIN_PARAMS_FILE ?? "params.json";
const params = {
  learning_rate: 0.1,
  epochs: 200,
  l2: 0.001,
  ...(existsSync(paramsFile) ? JSON.parse(readFileSync(paramsFile, "utf8")) : {}),
};

function readCsv(path) {
  const [header, ...lines] = readFileSync(path, "utf8").trim().split(/\r?\n/);
  const columns = header.split(",");
  return lines.map((line) => Object.fromEntries(line.split(",").map((value, i) => [columns[i], value])));
}

const CONTRACTS = ["monthly", "one-year", "two-year"];
const train = readCsv("data/train.csv");
const test = readCsv("data/test.csv");
const meanCharges =
  train.filter((row) => row.monthly_charges !== "").reduce((sum, row) => sum + Number(row.monthly_charges), 0) /
  train.length;

function features(row) {
  const charges = row.monthly_charges === "" ? meanCharges : Number(row.monthly_charges);
  return [
    1,
    Number(row.tenure_months) / 50,
    charges / 100,
    Number(row.support_calls) / 5,
    ...CONTRACTS.map((c) => (row.contract === c ? 1 : 0)),
  ];
}

const X = train.map(features);
const y = train.map((row) => Number(row.churned));
const weights = new Array(X[0].length).fill(0);
const sigmoid = (z) => 1 / (1 + Math.exp(-z));
const predict = (x) => sigmoid(x.reduce((sum, value, i) => sum + value * weights[i], 0));

mkdirSync(outDir, { recursive: true });
const curve = ["step,loss"];
for (let epoch = 1; epoch <= params.epochs; epoch++) {
  const gradient = new Array(weights.length).fill(0);
  let loss = 0;
  for (let i = 0; i < X.length; i++) {
    const p = predict(X[i]);
    loss -= y[i] * Math.log(Math.max(p, 1e-15)) + (1 - y[i]) * Math.log(Math.max(1 - p, 1e-15));
    for (let j = 0; j < weights.length; j++) gradient[j] += (p - y[i]) * X[i][j];
  }
  for (let j = 0; j < weights.length; j++)
    weights[j] -= params.learning_rate * (gradient[j] / X.length + params.l2 * weights[j]);
  if (epoch % 10 === 0) {
    curve.push(`${epoch},${(loss / X.length).toFixed(6)}`);
    console.log(`epoch ${epoch}: loss ${(loss / X.length).toFixed(4)}`);
  }
}

const predictions = ["customer_id,y_true,y_pred,score,contract"];
for (const row of test) {
  const score = predict(features(row));
  predictions.push(`${row.customer_id},${row.churned},${score >= 0.5 ? 1 : 0},${score.toFixed(6)},${row.contract}`);
}
writeFileSync(join(outDir, "predictions.csv"), predictions.join("\n") + "\n");
writeFileSync(join(outDir, "curve.csv"), curve.join("\n") + "\n");
writeFileSync(
  join(outDir, "model.json"),
  JSON.stringify(
    { kind: "logistic-regression", features: ["bias", "tenure", "charges", "calls", ...CONTRACTS], weights },
    null,
    2,
  ),
);
const trainAccuracy = X.reduce((hits, x, i) => hits + ((predict(x) >= 0.5 ? 1 : 0) === y[i] ? 1 : 0), 0) / X.length;
writeFileSync(
  join(outDir, "metrics.json"),
  JSON.stringify({ train: { accuracy: trainAccuracy, rows: X.length } }, null, 2),
);
console.log(`train accuracy ${trainAccuracy.toFixed(4)}; wrote model, predictions and curve to ${outDir}`);
