import { Suspense } from "react";
import { UserList } from "@/components/users/user-list";
import { Loading, PageHeader } from "@/components/ui/primitives";

export default function UsersPage() {
  return (
    <>
      <PageHeader title="Users" description="Everyone a device synced for: open one to see their devices, data, conflicts and pushes." />
      <Suspense fallback={<Loading />}>
        <UserList />
      </Suspense>
    </>
  );
}
