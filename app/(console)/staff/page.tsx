import { StaffAdmin } from "@/components/staff/staff-admin";
import { PageHeader } from "@/components/ui/primitives";

export default function StaffPage() {
  return (
    <>
      <PageHeader title="Staff" description="Console accounts: who may look (viewer), resolve conflicts (support), restore and revoke (operator), and manage staff (admin)." />
      <StaffAdmin />
    </>
  );
}
