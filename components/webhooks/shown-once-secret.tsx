"use client";
// A webhook secret, shown this once (after creating or rotating): the list never shows it again.
export function ShownOnceSecret({ url, secret, rotated }: { url: string; secret: string; rotated: boolean }) {
  return (
    <div role="status" className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-200">
      <p className="font-medium">{rotated ? "New secret" : "Webhook added"} for {url}. Copy the secret now: you will not see it again.</p>
      <code data-testid="new-webhook-secret" className="mt-2 inline-block break-all rounded bg-white px-2 py-1 font-mono text-xs text-slate-900 select-all dark:bg-slate-900 dark:text-slate-100">{secret}</code>
      <p className="mt-1 text-xs">Your receiver checks <code className="font-mono">Syncdesk-Signature</code> with it (docs/backend.md &quot;Webhooks&quot;).{rotated ? " The old secret no longer signs." : ""}</p>
    </div>
  );
}
