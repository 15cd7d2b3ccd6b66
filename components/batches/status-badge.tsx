import { Badge } from "@/components/ui/primitives";
import { statusTone } from "./labels";

export function BatchStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}
