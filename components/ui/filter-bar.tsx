"use client";
// A row of list filters: text inputs apply on Enter or blur, selects at once.
import { useEffect, useState } from "react";

export type FilterField =
  | { key: string; label: string; kind: "text"; placeholder?: string }
  | { key: string; label: string; kind: "select"; options: { value: string; label: string }[] };

export function FilterBar({ fields, values, onChange }: {
  fields: FilterField[];
  values: Record<string, string>;
  onChange: (changes: Record<string, string>) => void;
}) {
  return (
    <form
      role="search"
      className="mb-4 flex flex-wrap items-end gap-3"
      onSubmit={(event) => event.preventDefault()}
    >
      {fields.map((field) => (
        <label key={field.key} className="flex flex-col text-xs font-medium text-slate-600 dark:text-slate-400">
          {field.label}
          {field.kind === "select" ? (
            <select
              name={field.key}
              value={values[field.key] ?? ""}
              onChange={(e) => onChange({ [field.key]: e.target.value })}
              className="mt-1 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
            >
              <option value="">Any</option>
              {field.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
            </select>
          ) : (
            <TextFilter name={field.key} value={values[field.key] ?? ""} placeholder={field.placeholder} onCommit={(v) => onChange({ [field.key]: v })} />
          )}
        </label>
      ))}
    </form>
  );
}

function TextFilter({ name, value, placeholder, onCommit }: { name: string; value: string; placeholder?: string; onCommit: (v: string) => void }) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <input
      name={name}
      value={draft}
      placeholder={placeholder}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={() => draft !== value && onCommit(draft.trim())}
      onKeyDown={(e) => e.key === "Enter" && onCommit(draft.trim())}
      className="mt-1 w-44 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-900"
    />
  );
}
