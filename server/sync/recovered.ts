// A recovered push (`recovered: true`, docs/operations.md "How devices heal"): a device offers back
// records it held that the server lost in a restore or a failover. The items are decided like any
// other write; each one also leaves a `record.recovered` audit entry saying what became of it, so
// an operator can tell a recovered write from a lost one, and a policy's decision from a silent drop.
import type { DeviceContext } from "../devices/register";
import type { Sql } from "../db/sql";
import { appendAuditIn } from "../audit/append";
import { recordTargetId } from "../records/audit-target";
import type { TPushRequest, TPushResult } from "@syncdesk/protocol";

export async function auditRecovered(
  sql: Sql, device: DeviceContext, batchId: string, request: TPushRequest, results: readonly TPushResult[],
): Promise<void> {
  for (const result of results) {
    const item = request.items[result.index];
    if (!item) continue;
    const key = { stream: item.stream ?? `user:${device.userId}`, type: item.type, id: result.id ?? item.id ?? "" };
    await appendAuditIn(sql, {
      actor: { type: "device", id: device.deviceRef },
      action: "record.recovered",
      target: { type: "record", id: recordTargetId(key) },
      details: {
        record: key, batch_id: batchId, device_id: device.deviceId, action: item.action,
        base_version: item.base_version ?? null, status: result.status, version: result.version ?? null,
        resolution: result.conflict?.resolution ?? (result.conflict ? "stored" : null),
        conflict_id: result.conflict?.conflict_id ?? null, error: result.error?.code ?? null,
      },
    });
  }
}
