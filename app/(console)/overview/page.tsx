import { Suspense } from "react";
import { FleetOverview } from "@/components/overview/fleet-overview";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" description="Fleet health at a glance: devices, sync traffic, conflicts and failed batches." />
      <Suspense fallback={<Loading />}>
        <FleetOverview />
      </Suspense>
    </>
  );
}
