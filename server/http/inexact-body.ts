// Refuses what a JSON body holds that JavaScript cannot hold as sent (exact-json.ts), once the
// body is parsed: in a push's record data it refuses that item (`invalid_data`, its siblings
// still apply), anywhere else the whole request (400 `invalid_request` naming each field).
import { invalidFields } from "../errors";
import { refuseItemData } from "../sync/item-data";
import type { InexactValue } from "./exact-json";
import type { RouteDefinition } from "./route-definition";

function itemAt(body: unknown, index: string | undefined): object | undefined {
  if (typeof body !== "object" || body === null || !("items" in body) || !Array.isArray(body.items)) return undefined;
  const item: unknown = body.items[Number(index)];
  return typeof item === "object" && item !== null ? item : undefined;
}

export function refuseInexact(definition: RouteDefinition, body: unknown, inexact: readonly InexactValue[]): void {
  const elsewhere: { field: string; message: string }[] = [];
  for (const { path, message } of inexact) {
    const [items, index, data, ...field] = path;
    const item = definition.itemData && items === "items" && data === "data" ? itemAt(body, index) : undefined;
    if (item) refuseItemData(item, [{ field: field.join(".") || "data", message }]);
    else elsewhere.push({ field: path.join(".") || "(body)", message });
  }
  const first = elsewhere[0];
  if (first) throw invalidFields(elsewhere, `The body cannot be read exactly: ${first.field} ${first.message}`);
}
