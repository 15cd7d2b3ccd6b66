import { CompactNow } from "@/components/compaction/compact-now";
import { DevicesAtRisk } from "@/components/compaction/devices-at-risk";
import { JobHistory } from "@/components/compaction/job-history";
import { JobsCard } from "@/components/compaction/jobs-card";
import { StreamTable } from "@/components/compaction/stream-table";
import { PageHeader } from "@/components/ui/primitives";

export default function CompactionPage() {
  return (
    <>
      <PageHeader
        title="Compaction"
        description="How much change history each stream keeps, which devices would have to bootstrap again, and the background jobs that compact and expire data."
        actions={<CompactNow />}
      />
      <div className="flex flex-col gap-6">
        <JobsCard />
        <StreamTable />
        <DevicesAtRisk />
        <JobHistory />
      </div>
    </>
  );
}
