// Words, tones and URL values shared by the sync batch pages.
import type { Tone } from "@/components/ui/primitives";

export const BATCH_STATUS_OPTIONS = [
  { value: "applied", label: "Applied" },
  { value: "partial", label: "Partial" },
  { value: "rejected", label: "Rejected" },
  { value: "failed", label: "Failed" },
  { value: "rejected_or_failed", label: "Rejected or failed" },
] as const;

export type BatchStatusValue = (typeof BATCH_STATUS_OPTIONS)[number]["value"];

export function batchStatusInput(value: string): { status?: BatchStatusValue } {
  const option = BATCH_STATUS_OPTIONS.find((o) => o.value === value);
  return option ? { status: option.value } : {};
}

const TONES: Record<string, Tone> = { applied: "good", ok: "good", partial: "warn", conflict: "warn", skipped: "neutral", rejected: "bad", failed: "bad", error: "bad" };

export function statusTone(status: string): Tone {
  return TONES[status] ?? "neutral";
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day from a date input (local time): from its midnight, to the next midnight. */
export function dayRange(from: string, to: string): { from?: Date; to?: Date } {
  const start = (day: string) => (DAY.test(day) ? new Date(`${day}T00:00:00`) : null);
  const begin = start(from);
  const end = start(to);
  if (end) end.setDate(end.getDate() + 1);
  return {
    ...(begin && !Number.isNaN(begin.getTime()) ? { from: begin } : {}),
    ...(end && !Number.isNaN(end.getTime()) ? { to: end } : {}),
  };
}

/** An exact window from links (the overview's): `since` inclusive, `until` exclusive, ISO instants. */
export function instantRange(since: string, until: string): { from: Date; to: Date } | null {
  const from = new Date(since);
  const to = new Date(until);
  return since && until && !Number.isNaN(from.getTime()) && !Number.isNaN(to.getTime()) ? { from, to } : null;
}
