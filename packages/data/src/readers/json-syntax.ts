/**
 * Finds where a JSON text stops being valid, for error columns. JSON.parse messages in Node 20 give no
 * position for some errors (`Unexpected token 'x', "..." is not valid JSON`), so this small scanner
 * runs on the failed line only. Returns a 0-based offset, or -1 if the text is valid.
 */
export function jsonSyntaxErrorOffset(text: string): number {
  let i = 0;
  const length = text.length;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const skipSpace = (): void => {
    while (i < length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++;
  };
  const expect = (char: string): void => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= length) fail();
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) fail();
      if (code === 0x5c) {
        i++;
        if (text[i] === "u") {
          for (let digit = 1; digit <= 4; digit++) if (!/[0-9a-fA-F]/.test(text[i + digit] ?? "")) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "x")) fail();
      }
      i++;
    }
  };
  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === "{") {
      i++;
      skipSpace();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail();
        string();
        skipSpace();
        expect(":");
        value();
        skipSpace();
        if (text[i] === "}") {
          i++;
          return;
        }
        expect(",");
      }
    } else if (char === "[") {
      i++;
      skipSpace();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[i] === "]") {
          i++;
          return;
        }
        expect(",");
      }
    } else if (char === '"') string();
    else {
      const literal = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
      literal.lastIndex = i;
      const match = literal.exec(text);
      if (!match) fail();
      i = literal.lastIndex;
    }
  };
  try {
    value();
    skipSpace();
    if (i < length) fail();
    return -1;
  } catch (error) {
    if (error instanceof SyntaxAt) return error.offset;
    if (error instanceof RangeError) return -1; // nested too deep to scan; the message still says what is wrong
    throw error;
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
