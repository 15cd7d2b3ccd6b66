"use client";
// A new service key, shown this once: only its hash is stored, so nobody can show it again.
import { useState } from "react";
import { Button } from "@/components/ui/primitives";

export function ShownOnceKey({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied("yes");
    } catch {
      // Clipboard access needs a secure context and permission; the key stays selectable.
      setCopied("no");
    }
  }
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
      <p className="font-medium">Service key {name} created. Copy it now: you will not see it again.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="new-service-key" className="break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 select-all dark:bg-slate-900 dark:text-slate-100">{secret}</code>
        <Button onClick={() => void copy()}>Copy key</Button>
        <span aria-live="polite" className="text-xs">{copied === "yes" ? "Copied." : copied === "no" ? "Could not copy; select the key and copy it." : null}</span>
      </div>
      <p className="mt-1 text-xs">Only a hash is stored. Give it to your backend as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>; if it is lost, revoke it and create another.</p>
    </div>
  );
}
