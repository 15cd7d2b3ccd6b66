import { Suspense } from "react";
import { ConflictInbox } from "@/components/conflicts/conflict-inbox";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function ConflictsPage() {
  return (
    <>
      <PageHeader title="Conflicts" description="Edits a device made to a record that had changed meanwhile, waiting for a person to decide." />
      <Suspense fallback={<Loading />}>
        <ConflictInbox />
      </Suspense>
    </>
  );
}
