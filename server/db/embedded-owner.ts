// Which process has the embedded database open. PGlite is one process's database: a second process
// opening the same directory (say `npm run staff:create` while the server runs) could corrupt it.
// The server records its pid beside the data; tools check it first and say why they stop.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const ownerFile = (dataDir: string) => path.resolve(dataDir, "server.pid");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Records this process as the embedded database's owner until it exits. */
export function markEmbeddedOwner(dataDir: string): void {
  const file = ownerFile(dataDir);
  writeFileSync(file, String(process.pid));
  process.once("exit", () => {
    if (findEmbeddedOwner(dataDir) === null) rmSync(file, { force: true });
  });
}

/** The pid of another live process that has the embedded database open, or null. */
export function findEmbeddedOwner(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(ownerFile(dataDir), "utf8").trim());
  } catch {
    return null;
  }
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
}
