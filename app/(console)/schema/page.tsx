import { SchemaView } from "@/components/schema/schema-view";
import { PageHeader } from "@/components/ui/primitives";

export default function SchemaPage() {
  return (
    <>
      <PageHeader
        title="Schema"
        description="The resource types this server syncs, from the config it started with. Read-only: change the config file and restart the server to change them."
      />
      <SchemaView />
    </>
  );
}
