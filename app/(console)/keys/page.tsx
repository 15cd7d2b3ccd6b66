import { ServiceKeysAdmin } from "@/components/keys/service-keys-admin";
import { PageHeader } from "@/components/ui/primitives";

export default function ServiceKeysPage() {
  return (
    <>
      <PageHeader title="Service keys" description="Keys of your own backend for the server API: what it may do (read records and changes, write, manage webhooks) and on which streams." />
      <ServiceKeysAdmin />
    </>
  );
}
