const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Milliseconds since the epoch of an ISO 8601 timestamp
 * `YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]][Z|(+|-)HH[[:]MM]]]` with every field in range (year 1-9999,
 * no February 30, hours 0-23), or NaN if the text is not one. A time without an offset is taken as UTC;
 * fraction digits beyond milliseconds are dropped.
 */
export function parseIsoTimestamp(text: string): number {
  const length = text.length;
  if (length < 10 || text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (year < 1 || month < 1 || month > 12 || day < 1) return NaN;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > DAYS_IN_MONTH[month - 1]! + (month === 2 && leap ? 1 : 0)) return NaN;
  if (length === 10) return utc(year, month, day, 0, 0, 0, 0);
  const separator = text.charCodeAt(10);
  if ((separator !== 0x54 && separator !== 0x20) || text.charCodeAt(13) !== 0x3a) return NaN;
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (!inRange(hour, 23) || !inRange(minute, 59)) return NaN;
  let second = 0;
  let millisecond = 0;
  let i = 16;
  if (text.charCodeAt(i) === 0x3a) {
    second = digits(text, i + 1, 2);
    if (!inRange(second, 59)) return NaN;
    i += 3;
    if (text.charCodeAt(i) === 0x2e) {
      const fractionStart = ++i;
      while (i < length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
      if (i === fractionStart || i - fractionStart > 9) return NaN;
      millisecond = Number(text.slice(fractionStart, Math.min(i, fractionStart + 3)).padEnd(3, "0"));
    }
  }
  const local = utc(year, month, day, hour, minute, second, millisecond);
  if (i === length) return local;
  const zone = text.charCodeAt(i);
  if (zone === 0x5a) return i + 1 === length ? local : NaN;
  if (zone !== 0x2b && zone !== 0x2d) return NaN;
  const offsetHours = digits(text, i + 1, 2);
  if (!inRange(offsetHours, 23)) return NaN;
  i += 3;
  let offsetMinutes = 0;
  if (i < length) {
    if (text.charCodeAt(i) === 0x3a) i++;
    offsetMinutes = digits(text, i, 2);
    if (i + 2 !== length || !inRange(offsetMinutes, 59)) return NaN;
  }
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return zone === 0x2b ? local - offset : local + offset;
}

/** True if the text is an ISO 8601 date or date-time that `parseIsoTimestamp` accepts. */
export function isIsoTimestamp(text: string): boolean {
  return !Number.isNaN(parseIsoTimestamp(text));
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // Date.UTC maps years 0-99 to 1900-1999
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

/** The number written by `count` ASCII digits at `from`, or -1 if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i);
    if (!(code >= 0x30 && code <= 0x39)) return -1;
    value = value * 10 + code - 0x30;
  }
  return value;
}

function inRange(value: number, max: number): boolean {
  return value >= 0 && value <= max;
}
