"use client";
// List filters live in the URL, so a filtered view is a link that can be shared.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useMemo } from "react";

export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const values = useMemo(
    () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>,
    [keys, params],
  );
  /** Sets filters (empty string removes one) and starts again from the first page. */
  const setFilters = useCallback(
    (changes: Partial<Record<K | "cursor", string>>) => {
      const next = new URLSearchParams(params.toString());
      if (!("cursor" in changes)) next.delete("cursor");
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, String(value));
        else next.delete(key);
      }
      const query = next.toString();
      router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
    },
    [params, pathname, router],
  );
  return { values, cursor: params.get("cursor") ?? undefined, setFilters };
}

/** Drops empty filters so they are not sent to the server. */
export function definedOnly<T extends Record<string, string>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "")) as Partial<T>;
}
