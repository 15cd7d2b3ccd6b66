// A cleanup a test may also run early (a server stopped mid-drill): the second call is the first's.
export function once(fn: () => Promise<void>): () => Promise<void> {
  let run: Promise<void> | null = null;
  return () => (run ??= fn());
}
