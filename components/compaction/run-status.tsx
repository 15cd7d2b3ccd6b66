// A job run's status as a badge.
import { Badge, type Tone } from "@/components/ui/primitives";

const TONES: Record<string, Tone> = { succeeded: "good", failed: "bad", running: "info" };

export function RunStatus({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "neutral"}>{status}</Badge>;
}
