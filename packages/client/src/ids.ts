// Random ids without Node APIs: crypto.getRandomValues where the platform has it (browsers, Node,
// React Native with a polyfill), Math.random otherwise (ids only need to be unique, not secret).
function randomBytes(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  const crypto = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (crypto?.getRandomValues) return crypto.getRandomValues(bytes);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(Math.random() * 256);
  return bytes;
}

/** A random (version 4) UUID. */
export function uuid(): string {
  const b = randomBytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A local id for a record created offline; the server replaces it on push. */
export const tempId = (): string => `tmp-${uuid()}`;

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The `sub` claim of a JWT (no verification: only to name the user's default stream). */
export function jwtSubject(jwt: string): string | null {
  const part = jwt.split(".")[1];
  if (!part) return null;
  let bits = 0;
  let value = 0;
  let percent = "";
  for (const ch of part.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")) {
    const index = B64.indexOf(ch);
    if (index < 0) return null;
    value = (value << 6) | index;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      percent += `%${((value >> bits) & 0xff).toString(16).padStart(2, "0")}`;
    }
  }
  try {
    const payload = JSON.parse(decodeURIComponent(percent)) as { sub?: unknown };
    return typeof payload.sub === "string" ? payload.sub : null;
  } catch {
    return null;
  }
}
