// One type's fields as the config declares them: JSON type, required, default, what the schema
// demands beyond the type, and the per-field rule (merge or guard).
import type { FieldSummary } from "@/server/types/describe-types";
import { Badge } from "@/components/ui/primitives";
import { Table, Td } from "@/components/ui/table";

const none = <span className="text-slate-500 dark:text-slate-400">—</span>;

export function FieldTable({ typeName, fields, uniqueFields, mediaFields }: {
  typeName: string;
  fields: FieldSummary[];
  uniqueFields: string[];
  mediaFields: string[];
}) {
  return (
    <Table caption={`Fields of ${typeName}`} head={["Field", "Type", "Required", "Default", "Constraints", "Rule"]}>
      {fields.map((field) => (
        <tr key={field.name}>
          <th scope="row" className="whitespace-nowrap px-3 py-2 text-left align-top font-normal">
            <span className="font-mono">{field.name}</span>
            {uniqueFields.includes(field.name) ? <> <Badge tone="info">unique</Badge></> : null}
            {mediaFields.includes(field.name) ? <> <Badge tone="info">media</Badge></> : null}
          </th>
          <Td className="font-mono">{field.type}</Td>
          <Td>{field.required ? "required" : "optional"}</Td>
          <Td className="font-mono">{field.defaultValue ?? none}</Td>
          <Td className="whitespace-normal">{field.constraints.length > 0 ? field.constraints.join("; ") : none}</Td>
          <Td className="whitespace-normal">{field.rule ?? none}</Td>
        </tr>
      ))}
    </Table>
  );
}
