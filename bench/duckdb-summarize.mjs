// DuckDB's SUMMARIZE of one CSV file (the benchmark's peer of `ctrain validate`): every column's type, min, max,
// approximate distinct count, mean, std, quartiles, count and null share, read with its parallel CSV reader.
// Run: node bench/duckdb-summarize.mjs <file.csv> <threads>
import { DuckDBInstance } from "@duckdb/node-api";

const [file, threads] = process.argv.slice(2);
if (!file || !threads) throw new Error("usage: node bench/duckdb-summarize.mjs <file.csv> <threads>");
const instance = await DuckDBInstance.create(":memory:", { threads });
const connection = await instance.connect();
const quoted = `'${file.replaceAll("'", "''")}'`;
const result = await connection.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv(${quoted})`);
const count = result.getRowObjects()[0]?.count;
console.log(`${result.currentRowCount} columns summarized, ${count} rows`);
connection.closeSync();
instance.closeSync();
