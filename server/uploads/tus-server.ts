// The tus 1.0 server (@tus/server) for one authenticated request: the process's data store and
// locker, our upload ids, and hooks that record ownership on creation and finish through the
// blob path. Built per request so the hooks know the caller; the store and locker are shared.
import { randomBytes } from "node:crypto";
import { Server } from "@tus/server";
import type { DataStore, Locker } from "@tus/utils";
import { getDatabase, type Db } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors";
import type { Caller } from "../auth/caller";
import { recordUploadStarted } from "../metrics/registry";
import { processSingleton } from "../process-singleton";
import { tusErrorAnswer } from "./tus-errors";
import { completeTusUpload } from "./tus-finish";
import { pgLockSession, pgliteLockSession, type LockSession } from "./tus-lock-session";
import { AdvisoryLocker } from "./tus-locker";
import { checkAttachTarget, createTusSession, parseTusMetadata } from "./tus-sessions";

export const TUS_PATH = "/api/v1/tus";
/** Answered on the PATCH (or POST) that completes an upload, and on HEAD once it is a blob. */
export const BLOB_KEY_HEADER = "Upload-Blob-Key";
/** Upload ids are 32 hex digits in the URL; the store keeps the upload under `tus/<id>`. */
export const tusStorageKey = (id: string): string => `tus/${id}`;
const idOfStorageKey = (key: string): string => key.slice("tus/".length);

/** The upload id of `/api/v1/tus/<id>`, or null. */
export function uploadIdOfPath(pathname: string): string | null {
  const match = /^\/api\/v1\/tus\/([0-9a-f]{32})$/.exec(pathname);
  return match?.[1] ?? null;
}

export type TusContext = { db: Db; caller: Caller; deviceId: string | null; locker: Locker; store: DataStore };

/** `ctx` is null for OPTIONS (no credentials needed to discover the server's capabilities). */
export function createTusServer(store: DataStore, locker: Locker, ctx: TusContext | null): Server {
  const required = (): TusContext => {
    if (!ctx) throw new AppError("unauthorized", "Send Authorization: Bearer <JWT>");
    return ctx;
  };
  return new Server({
    path: TUS_PATH,
    datastore: store,
    locker,
    maxSize: env().UPLOAD_MAX_BYTES,
    disableTerminationForFinishedUploads: true,
    // Location must name the address the client used, also behind a TLS-terminating proxy.
    respectForwardedHeaders: true,
    // Browsers (tus-js-client on the web) send these too; credentials are bearer tokens, never cookies.
    allowedHeaders: ["X-Device-Id", "X-Request-Id"],
    exposedHeaders: [BLOB_KEY_HEADER, "X-Request-Id"],
    namingFunction: () => tusStorageKey(randomBytes(16).toString("hex")),
    generateUrl: (_req, { proto, host, path, id }) => `${proto}://${host}${path}/${idOfStorageKey(id)}`,
    // From the path only (tus's default also looks at the query string): the route checked the
    // ownership of exactly this id.
    getFileIdFromRequest: (req) => {
      const last = uploadIdOfPath(new URL(req.url).pathname);
      return last ? tusStorageKey(last) : undefined;
    },
    onUploadCreate: async (_req, upload) => {
      const context = required();
      const metadata = parseTusMetadata(upload.metadata);
      if (metadata.attach) await checkAttachTarget(context.db, context.caller, metadata.attach);
      await createTusSession(context.db, {
        id: idOfStorageKey(upload.id),
        caller: context.caller,
        deviceId: context.deviceId,
        storageKey: upload.id,
        size: upload.size ?? null,
        metadata,
        ttlHours: env().UPLOAD_TTL_HOURS,
      });
      recordUploadStarted("tus");
      return {};
    },
    onUploadFinish: async (_req, upload) => {
      const blobKey = await completeTusUpload(required(), idOfStorageKey(upload.id));
      return { headers: { [BLOB_KEY_HEADER]: blobKey } };
    },
    onResponseError: (_req, error) => tusErrorAnswer(error),
  });
}

type LockerState = { database: object; locker: AdvisoryLocker };
declare module "../process-singleton" {
  interface ProcessSingletons {
    tusLocker: { current: LockerState | undefined };
  }
}

/** The process's tus locker on the process's database (advisory locks; see tus-locker.ts). */
export async function getTusLocker(): Promise<AdvisoryLocker> {
  const database = await getDatabase();
  const slot = processSingleton("tusLocker", () => ({ current: undefined }));
  if (slot.current?.database === database) return slot.current.locker;
  void slot.current?.locker.session.close();
  let session: LockSession;
  if (database.kind === "pglite") session = pgliteLockSession(database.prisma);
  else {
    const url = database.pool?.options.connectionString;
    if (!url) throw new Error("tus locker: the PostgreSQL pool has no connection string");
    session = pgLockSession(url);
  }
  const locker = new AdvisoryLocker(session);
  slot.current = { database, locker };
  return locker;
}
