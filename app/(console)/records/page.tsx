import { Suspense } from "react";
import { RecordList } from "@/components/records/record-list";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function RecordsPage() {
  return (
    <>
      <PageHeader title="Records" description="Every record devices synced, deleted ones included: find one by user, stream, type, id or a field's value." />
      <Suspense fallback={<Loading />}>
        <RecordList />
      </Suspense>
    </>
  );
}
