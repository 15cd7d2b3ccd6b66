import { Suspense } from "react";
import { BatchList } from "@/components/batches/batch-list";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function BatchesPage() {
  return (
    <>
      <PageHeader title="Sync batches" description="Every push as it arrived and as it was answered; replay the items that did not apply." />
      <Suspense fallback={<Loading />}>
        <BatchList />
      </Suspense>
    </>
  );
}
