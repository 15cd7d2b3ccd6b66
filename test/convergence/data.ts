// What the convergence cases write and count: valid data for each type, and the run's totals.
import type { Data } from "@syncdesk/client";
import type { TypeName } from "./actions";

/** Fresh, valid data for a type; `n` is a number used nowhere else, so every value is unique. */
export function freshData(type: TypeName, current: Data | null, field: boolean, n: number): Data {
  switch (type) {
    case "memo": return { content: `c${n}`, tags: [], pinned: n % 2 === 0 };
    case "noot": return { title: `t${n}`, activities: [] };
    case "meter": return current ? { ...current, reading: n } : { code: `M-${n}`, reading: n, unit: "kWh" };
    case "submission":
      if (!current) return { form_id: "f", form_version: n, data: { v: n }, status: "draft" };
      return field ? { ...current, data: { v: n } } : { ...current, form_version: n };
  }
}

export type Totals = {
  cases: number; actions: number; syncs: number; failures: number; conflicts: number; bootstraps: number; restarts: number;
  serverRestarts: number; compactions: number; dropped: number; lost: number; duplicated: number; unreachable: number; resent: number;
};
export const emptyTotals = (): Totals => ({
  cases: 0, actions: 0, syncs: 0, failures: 0, conflicts: 0, bootstraps: 0, restarts: 0,
  serverRestarts: 0, compactions: 0, dropped: 0, lost: 0, duplicated: 0, unreachable: 0, resent: 0,
});
