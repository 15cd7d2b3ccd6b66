import { RecordDetail } from "@/components/records/record-detail";

type Search = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

export default async function RecordPage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams;
  return <RecordDetail recordKey={{ stream: one(params.stream), type: one(params.type), id: one(params.id) }} />;
}
