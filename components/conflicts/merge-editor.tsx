"use client";
// The manual merge: JSON prefilled from the per-field picks, editable, checked by the server
// against the type's schema (and unique fields) as the person types, before anything is saved.
import { useMutation } from "@tanstack/react-query";
import { useEffect, useId, useMemo, useState } from "react";
import { useTRPC } from "@/components/trpc";
import { Button } from "@/components/ui/primitives";

type Parsed = { ok: true; data: Record<string, unknown>; key: string } | { ok: false; message: string };

function parseObject(text: string): Parsed {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, message: "The merged data must be a JSON object" };
    return { ok: true, data: value as Record<string, unknown>, key: JSON.stringify(value) };
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const pretty = (data: Record<string, unknown>) => JSON.stringify(data, null, 2);

export type SaveRefusal = { data: Record<string, unknown>; fields: { field: string; message: string }[] };

export function MergeEditor({ conflictId, fromPicks, saving, refusal, onSave, onCancel }: {
  conflictId: string;
  fromPicks: Record<string, unknown>;
  saving: boolean;
  /** The field errors of the last save, shown while the text is still what was saved. */
  refusal: SaveRefusal | null;
  onSave: (data: Record<string, unknown>) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const ids = { text: useId(), errors: useId() };
  const [text, setText] = useState(() => pretty(fromPicks));
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setText(pretty(fromPicks));
  }, [fromPicks, edited]);
  const parsed = useMemo(() => parseObject(text), [text]);
  const validation = useMutation(trpc.conflicts.validateMerge.mutationOptions());
  const { mutate: check } = validation;
  const parsedKey = parsed.ok ? parsed.key : null;
  useEffect(() => {
    if (parsedKey === null) return;
    const timer = setTimeout(() => check({ id: conflictId, data: JSON.parse(parsedKey) as Record<string, unknown> }), 400);
    return () => clearTimeout(timer);
  }, [parsedKey, conflictId, check]);

  // Only a check of exactly this text counts.
  const checked = validation.data && JSON.stringify(validation.variables?.data) === parsedKey ? validation.data : null;
  const errors = [
    ...(parsed.ok ? [] : [{ field: "(json)", message: parsed.message }]),
    ...(checked?.fields ?? []),
    ...(refusal && JSON.stringify(refusal.data) === parsedKey ? refusal.fields : []),
  ];
  const status = !parsed.ok ? "" : checked ? (checked.ok ? "Valid for this type." : "") : "Checking…";

  return (
    <div className="mt-4 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <label htmlFor={ids.text} className="text-sm font-medium">Merged record data (JSON)</label>
      <p className="mb-2 text-xs text-slate-500">Prefilled from the values picked in the table; edit freely. The server checks it against the type&apos;s schema.</p>
      <textarea
        id={ids.text}
        value={text}
        onChange={(e) => {
          setEdited(true);
          setText(e.target.value);
        }}
        rows={Math.min(20, text.split("\n").length + 1)}
        spellCheck={false}
        aria-invalid={errors.length > 0}
        aria-describedby={ids.errors}
        className="w-full rounded-md border border-slate-300 bg-white p-2 font-mono text-xs dark:border-slate-700 dark:bg-slate-950"
      />
      <div id={ids.errors} aria-live="polite" className="mt-2 text-sm">
        {errors.length > 0 ? (
          <ul className="list-inside list-disc text-red-700 dark:text-red-300">
            {errors.map((e, i) => <li key={`${e.field}-${i}`}><span className="font-mono">{e.field}</span>: {e.message}</li>)}
          </ul>
        ) : (
          <p className="text-emerald-700 dark:text-emerald-300">{status}</p>
        )}
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button variant="primary" disabled={!parsed.ok || saving || checked?.ok === false} onClick={() => parsed.ok && onSave(parsed.data)}>
          {saving ? "Saving…" : "Save merge"}
        </Button>
        {edited ? <Button onClick={() => setEdited(false)}>Reset to picks</Button> : null}
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </div>
  );
}
