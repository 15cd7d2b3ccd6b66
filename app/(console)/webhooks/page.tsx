import { Suspense } from "react";
import { WebhooksAdmin } from "@/components/webhooks/webhooks-admin";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function WebhooksPage() {
  return (
    <>
      <PageHeader title="Webhooks" description="Endpoints of your backend that are sent every committed bundle of their streams, signed; each delivery with every attempt. The change feed stays the truth." />
      <Suspense fallback={<Loading />}>
        <WebhooksAdmin />
      </Suspense>
    </>
  );
}
