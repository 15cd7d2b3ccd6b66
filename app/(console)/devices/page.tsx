import { Suspense } from "react";
import { DeviceList } from "@/components/devices/device-list";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function DevicesPage() {
  return (
    <>
      <PageHeader title="Devices" description="Every app install that synced: how far behind it is, what it is stuck on, and whether it may sync." />
      <Suspense fallback={<Loading />}>
        <DeviceList />
      </Suspense>
    </>
  );
}
