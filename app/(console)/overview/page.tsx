import { PageHeader } from "@/components/ui/primitives";

export default function OverviewPage() {
  return <PageHeader title="Overview" description="Fleet health at a glance." />;
}
