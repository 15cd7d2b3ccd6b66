import { UserDetail } from "@/components/users/user-detail";

export default async function UserPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await searchParams;
  return <UserDetail userId={typeof id === "string" ? id : ""} />;
}
