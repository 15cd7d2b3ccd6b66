// A user id, linked to that user's page (every user id the console shows is one).
import Link from "next/link";

export const userHref = (userId: string) => `/users/view?id=${encodeURIComponent(userId)}`;

export function UserLink({ userId, className = "" }: { userId: string; className?: string }) {
  return (
    <Link href={userHref(userId)} className={`font-mono text-xs text-indigo-700 hover:underline dark:text-indigo-300 ${className}`}>
      {userId}
    </Link>
  );
}
