// Next's start-up hook: runs once per server process before it serves requests.
// NEXT_RUNTIME is a constant Next inlines per bundle (not configuration), so reading it here does
// not bypass server/env.ts; it keeps the database code out of the edge bundle.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./server/startup");
    await startServer();
    const { serveLiveBesideNext } = await import("./server/live/beside-next");
    serveLiveBesideNext();
    const { serveChunksBesideNext } = await import("./server/uploads/beside-next");
    serveChunksBesideNext();
  }
}
