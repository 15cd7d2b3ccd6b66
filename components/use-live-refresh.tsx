"use client";
// Keeps a console page current: when the server says something changed, the page's queries are
// re-fetched (no data travels on the event stream itself).
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

export function useLiveRefresh(): boolean {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource("/api/console/events");
    source.addEventListener("ready", () => setConnected(true));
    source.addEventListener("change", () => void queryClient.invalidateQueries());
    source.onerror = () => setConnected(false);
    return () => source.close();
  }, [queryClient]);
  return connected;
}

export function LiveBadge({ connected }: { connected: boolean }) {
  return (
    <span role="status" data-testid="live-status" className="inline-flex items-center gap-1 text-xs text-slate-500">
      <span aria-hidden className={`h-2 w-2 rounded-full ${connected ? "bg-emerald-500" : "bg-slate-300"}`} />
      {connected ? "Live" : "Not live"}
    </span>
  );
}
