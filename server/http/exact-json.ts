// Values a JSON body can spell but JavaScript cannot hold as sent (issue 19): numbers JSON.parse
// rounds (1e309 -> Infinity, stored as null; 1e-400 -> 0; 9007199254740993 -> ...992) and
// `__proto__` keys, which JSON.parse keeps but every object copy (zod, spreads) drops. Nothing
// may be silently changed, so each is found here and refused by its caller (inexact-body.ts).
// JSON.parse has already rounded the numbers (and Node 20's reviver has no source text), so they
// are found in the raw text; a cheap pattern first, as almost no body holds a suspect.

/** Where a value sits (keys and array indexes from the body's root) and why it is refused. */
export type InexactValue = { path: string[]; message: string };

// Any number that does not survive JSON.parse has 16 or more digits and dots (15 significant
// digits always do: DBL_DIG), or an exponent of 3 or more digits (overflow, underflow,
// subnormals); and a number token starts after `:`, `,`, `[`, white space or at the start. A
// match may still be inside a string: then the scan below finds nothing, at some cost. (Without
// the start rule every random UUID like `…-3e123…` matched: the scan cost as much as JSON.parse.)
const SUSPECT = /(?<![^:,[\s])-?(?:\d[\d.]{15}|\d+(?:\.\d+)?[eE][+-]?\d{3})/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** False only when `text` certainly holds no number JSON.parse would change (the cheap check). */
export const mayHoldInexactNumber = (text: string): boolean => SUSPECT.test(text);

/** `sign digits e exponent` without leading or trailing zeros: equal text for equal values. */
function decimalOf(text: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!match) return text;
  const fraction = match[3] ?? "";
  let digits = `${match[2] ?? ""}${fraction}`.replace(/^0+/, "");
  if (digits === "") return "0";
  let exponent = Number(match[4] ?? 0) - fraction.length;
  const kept = digits.replace(/0+$/, "");
  exponent += digits.length - kept.length;
  digits = kept;
  return `${match[1]}${digits}e${exponent}`;
}

/** Why `token` (a JSON number) would not read back as sent, or null when it would. */
export function inexactNumber(token: string): string | null {
  const value = Number(token);
  if (Number.isFinite(value) && decimalOf(token) === decimalOf(String(value))) return null;
  return `is the number ${token.length > 40 ? `${token.slice(0, 40)}…` : token}, which JSON cannot carry exactly (it reads back as ${value}): send it as a string`;
}

function keyOf(raw: string): string {
  try {
    return String(JSON.parse(raw));
  } catch {
    return raw;
  }
}

type Frame = { array: boolean; key: string; index: number; expectKey: boolean };

/** Numbers in `text` that do not survive a parse, with their paths (any text: never throws or hangs). */
export function findInexactNumbers(text: string): InexactValue[] {
  if (!mayHoldInexactNumber(text)) return [];
  const found: InexactValue[] = [];
  const stack: Frame[] = [];
  const path = () => stack.map((f) => (f.array ? String(f.index) : f.key));
  for (let i = 0; i < text.length;) {
    const char = text[i] ?? "";
    const top = stack[stack.length - 1];
    if (char === "{" || char === "[") {
      stack.push({ array: char === "[", key: "", index: 0, expectKey: char === "{" });
      i += 1;
    } else if (char === "}" || char === "]") {
      stack.pop();
      i += 1;
    } else if (char === ",") {
      if (top?.array) top.index += 1;
      else if (top) top.expectKey = true;
      i += 1;
    } else if (char === '"') {
      let end = i + 1;
      // Bounded: a console body reaches this scan before anything parsed it.
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (top && !top.array && top.expectKey) {
        const raw = text.slice(i, end + 1);
        top.key = raw.includes("\\") ? keyOf(raw) : raw.slice(1, -1);
        top.expectKey = false;
      }
      i = end + 1;
    } else if (char === "-" || (char >= "0" && char <= "9")) {
      NUMBER.lastIndex = i;
      const token = NUMBER.exec(text)?.[0] ?? char;
      const problem = inexactNumber(token);
      if (problem) found.push({ path: path(), message: problem });
      i += token.length;
    } else {
      i += 1; // whitespace, ':', and the letters of true, false and null
    }
  }
  return found;
}

export const PROTO_KEY_MESSAGE = "is a \"__proto__\" key, which JavaScript objects cannot hold as data: rename it";
