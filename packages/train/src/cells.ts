/** A cell as a number: numbers, numeric text (`0.5`, `1e-3`), and NaN/inf the ways Python and pandas spell them. */
export function numericCell(cell: unknown): number | undefined {
  if (typeof cell === "number") return cell;
  if (typeof cell !== "string") return undefined;
  const text = cell.trim().toLowerCase();
  if (text === "") return undefined;
  if (text === "nan" || text === "-nan") return NaN;
  const infinity = /^([+-]?)(inf|infinity)$/.exec(text);
  if (infinity) return infinity[1] === "-" ? -Infinity : Infinity;
  const value = Number(text);
  return Number.isNaN(value) ? undefined : value;
}
