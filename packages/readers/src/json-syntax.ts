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
  /** An object's or an array's items, from the opening bracket through `close`, separated by commas. */
  const bracketed = (close: string, item: () => void): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(",");
    }
  };
  const objectMember = (): void => {
    skipSpace();
    if (text[i] !== '"') fail();
    string();
    skipSpace();
    expect(":");
    value();
  };
  const value = (): void => {
    skipSpace();
    const char = text[i];
    if (char === "{") bracketed("}", objectMember);
    else if (char === "[") bracketed("]", value);
    else if (char === '"') string();
    else if (char === "t" || char === "f" || char === "n") {
      const word = char === "t" ? "true" : char === "f" ? "false" : "null";
      for (const letter of word) {
        if (text[i] !== letter) fail();
        i++;
      }
    } else number();
  };
  const digits = (): void => {
    if (!isDigit(text[i])) fail();
    while (isDigit(text[i])) i++;
  };
  const number = (): void => {
    if (text[i] === "-") i++;
    if (text[i] === "0") i++;
    else digits();
    if (text[i] === ".") {
      i++;
      digits();
    }
    if (text[i] === "e" || text[i] === "E") {
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      digits();
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

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= "0" && char <= "9";
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}
