// Realistic record data for the demo types (syncdesk.config.ts): memos, diary entries
// and form submissions of a few hundred bytes, deterministic per seed so every side of a
// comparison writes the same documents.
import { createHash, randomUUID } from "node:crypto";

const WORDS = (
  "call bob about the invoice buy oat milk and bread review quarterly numbers with anna pick up " +
  "parcel at the post office water the plants book dentist appointment prepare slides for monday " +
  "site visit at the north depot meter reading looked off check the pump pressure again tomorrow"
).split(" ");
const MOODS = ["calm", "tired", "happy", "busy", "focused", "anxious"];
const TAGS = ["home", "work", "errands", "health", "family", "later"];

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 0x100000000;
  };
}

function sentence(rand: () => number, words: number): string {
  return Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ");
}

export type Doc = { type: "memo" | "diary" | "submission"; id: string; data: Record<string, unknown>; updatedAt: string };

export function makeDoc(seed: number): Doc {
  const rand = rng(seed * 2654435761);
  const kind = seed % 3;
  const id = randomUUID();
  const updatedAt = new Date(Date.UTC(2026, 10, 1) + seed * 1000).toISOString();
  if (kind === 0) {
    const tags = TAGS.filter(() => rand() < 0.3);
    return { type: "memo", id, updatedAt, data: { content: sentence(rand, 20 + Math.floor(rand() * 30)), tags, pinned: rand() < 0.2 } };
  }
  if (kind === 1) {
    const day = 1 + Math.floor(rand() * 28);
    return {
      type: "diary", id, updatedAt,
      data: { date: `2026-10-${String(day).padStart(2, "0")}`, mood: MOODS[Math.floor(rand() * MOODS.length)], summary: sentence(rand, 30 + Math.floor(rand() * 40)) },
    };
  }
  return {
    type: "submission", id, updatedAt,
    data: {
      form_id: `inspection-${1 + Math.floor(rand() * 20)}`,
      form_version: 3,
      status: rand() < 0.7 ? "submitted" : "draft",
      data: {
        site: `Depot ${Math.floor(rand() * 90) + 10}`,
        inspector: sentence(rand, 2),
        pressure_bar: Math.round(rand() * 1000) / 100,
        ok: rand() < 0.8,
        notes: sentence(rand, 15),
        checklist: { valves: rand() < 0.9, signage: rand() < 0.9, lighting: rand() < 0.9 },
      },
    },
  };
}

/** Canonical JSON (keys sorted at every level), as the server hashes it. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** SQL that builds a memo-like jsonb document of ~300 bytes from an integer `g` (for seeding). */
export const SQL_DOC = (g: string) => `jsonb_build_object(
  'content', 'seeded memo ' || ${g} || ' ' || repeat('call bob about the invoice ', 8),
  'tags', jsonb_build_array('work', 'later'),
  'pinned', (${g} % 5 = 0))`;
