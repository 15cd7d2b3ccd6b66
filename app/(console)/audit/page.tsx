import { Suspense } from "react";
import { AuditLog } from "@/components/audit/audit-log";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function AuditPage() {
  return (
    <>
      <PageHeader title="Audit log" description="Every state change by staff, devices and the system. Entries cannot be edited or deleted." />
      <Suspense fallback={<Loading />}>
        <AuditLog />
      </Suspense>
    </>
  );
}
