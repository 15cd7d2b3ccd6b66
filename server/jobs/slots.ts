// A job's schedule is a grid of slots `intervalMs` wide, counted from the Unix epoch: every app
// instance computes the same slot for the same moment, which is what lets them agree on "this
// slot's run" through one unique row (claim.ts).

export function slotOf(now: Date, intervalMs: number): Date {
  return new Date(Math.floor(now.getTime() / intervalMs) * intervalMs);
}

export function nextSlotAfter(now: Date, intervalMs: number): Date {
  return new Date(slotOf(now, intervalMs).getTime() + intervalMs);
}
