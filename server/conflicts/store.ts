// Storing an open conflict found by a push, with everything a person needs to decide.
import type { Tx } from "../db/client";
import { Prisma } from "../db/generated/client";
import type { RecordData, RecordKey } from "../sync/records";
import type { ConflictPolicy } from "../sync/resource-types";

export type NewConflict = RecordKey & {
  userId: string;
  deviceRef: string;
  batchId: string;
  itemIndex: number;
  policy: ConflictPolicy;
  fields: string[];
  baseVersion: number | null;
  serverVersion: number;
  baseData: RecordData | null;
  serverData: RecordData | null;
  clientData: RecordData | null;
  clientAction: "create" | "update" | "delete";
  serverDeleted: boolean;
};

const json = (value: RecordData | null) => (value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));

export async function storeConflict(tx: Tx, conflict: NewConflict): Promise<string> {
  const row = await tx.conflict.create({
    data: {
      stream: conflict.stream,
      type: conflict.type,
      recordId: conflict.id,
      userId: conflict.userId,
      deviceRef: conflict.deviceRef,
      batchId: conflict.batchId,
      itemIndex: conflict.itemIndex,
      policy: conflict.policy,
      fields: conflict.fields,
      baseVersion: conflict.baseVersion,
      serverVersion: conflict.serverVersion,
      baseData: json(conflict.baseData),
      serverData: json(conflict.serverData),
      clientData: json(conflict.clientData),
      clientAction: conflict.clientAction,
      serverDeleted: conflict.serverDeleted,
    },
    select: { id: true },
  });
  return row.id;
}
