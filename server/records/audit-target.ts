// The audit target id of a record (the audit log keys targets by one string).
import type { RecordKey } from "../sync/records";

export const recordTargetId = (key: RecordKey) => `${key.stream}/${key.type}/${key.id}`;
