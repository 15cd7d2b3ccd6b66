import { ConflictDetail } from "@/components/conflicts/conflict-detail";

export default async function ConflictPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConflictDetail id={id} />;
}
