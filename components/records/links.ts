// Where a record's page is: its key in the query string (streams hold ":" and ids anything).
export type RecordKeyRef = { stream: string; type: string; id: string };

export function recordHref(key: RecordKeyRef): string {
  return `/records/view?${new URLSearchParams({ stream: key.stream, type: key.type, id: key.id }).toString()}`;
}
