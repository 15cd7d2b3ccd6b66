// Next's start-up hook: runs once per server process before it serves requests.
// NEXT_RUNTIME is a constant Next inlines per bundle (not configuration), so reading it here does
// not bypass server/env.ts; it keeps the database code out of the edge bundle.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./server/startup");
    await startServer();
    const { serveBesideNext } = await import("./server/http/beside-next");
    const { BESIDE_NEXT_ROUTES } = await import("./server/http/beside-next-routes");
    serveBesideNext(BESIDE_NEXT_ROUTES);
  }
}
