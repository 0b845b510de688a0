// The plain rows of KeyHasher.addTextRuns (key-hasher.ts), compiled to WebAssembly by scripts/generate-wasm.ts
// (AssemblyScript): a batch's rows hashed in one loop, each left to key-hasher.ts when any of its runs is not plain.

const QUOTE: i32 = 0x22;
const CELL_NON_ASCII: u8 = 1;

/**
 * For each of `rows` records (cell ranges `starts`/`ends` into `bytes`, less `bias`; `flags` as the tokenizer sets them),
 * the lanes KeyHasher holds after `reset()` and `addTextRuns` of the runs `runs[0..runCount)` (first column, column after
 * the last, ...) of a comma-delimited file: into `lanes` (a, b per row) when every run is plain, else `plain[row]` is 0.
 * Returns how many rows were not plain.
 */
export function hashRows(
  bytes: usize,
  bias: i32,
  starts: usize,
  ends: usize,
  flags: usize,
  width: i32,
  rows: i32,
  runs: usize,
  runCount: i32,
  lanes: usize,
  plain: usize,
): i32 {
  let left = 0;
  for (let row = 0; row < rows; row++) {
    let a: u32 = 0x9e3779b9;
    let b: u32 = 0x85ebca6b;
    let isPlain = true;
    for (let r = 0; r < runCount && isPlain; r += 2) {
      const first = row * width + load<i32>(runs + ((<usize>r) << 2));
      const after = row * width + load<i32>(runs + ((<usize>(r + 1)) << 2));
      for (let index = first; index < after; index++) {
        // Each cell's bytes its text, right after the cell before it: the run is its bytes in the input.
        const asItIs = (load<u8>(flags + <usize>index) | CELL_NON_ASCII) == CELL_NON_ASCII;
        const adjacent =
          index == first ||
          load<i32>(starts + ((<usize>index) << 2)) == load<i32>(ends + ((<usize>(index - 1)) << 2)) + 1;
        if (!asItIs || !adjacent) {
          isPlain = false;
          break;
        }
      }
      if (!isPlain) break;
      const start = load<i32>(starts + ((<usize>first) << 2));
      const end = load<i32>(ends + ((<usize>(after - 1)) << 2));
      // A quoted first cell (the byte before it a quote) is not plain; the bytes loaded start one before the first cell.
      if (start - 1 < bias || <i32>load<u8>(bytes + <usize>(start - 1 - bias)) == QUOTE) {
        isPlain = false;
        break;
      }
      a = laneA(a, <u32>(end - start));
      b = laneB(b, <u32>(end - start));
      let at = bytes + <usize>(start - bias);
      const stop = bytes + <usize>(end - bias);
      for (; at + 4 <= stop; at += 4) {
        const word = load<u32>(at);
        a = laneA(a, word);
        b = laneB(b, word);
      }
      if (at < stop) {
        let word: u32 = 0;
        for (let shift: u32 = 0; at < stop; at++, shift += 8) word |= (<u32>load<u8>(at)) << shift;
        a = laneA(a, word);
        b = laneB(b, word);
      }
    }
    store<u8>(plain + <usize>row, isPlain ? 1 : 0);
    if (!isPlain) left++;
    store<u32>(lanes + ((<usize>row) << 3), a);
    store<u32>(lanes + ((<usize>row) << 3), b, 4);
  }
  return left;
}

function laneA(a: u32, word: u32): u32 {
  return rotl<u32>((a ^ word) * 0x9e3779b1, 13);
}

function laneB(b: u32, word: u32): u32 {
  return rotl<u32>((b ^ word) * 0x85ebca77, 17);
}
