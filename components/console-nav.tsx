"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import type { StaffIdentity } from "@/server/staff/accounts";

const LINKS = [
  { href: "/overview", label: "Overview" },
  { href: "/records", label: "Records" },
  { href: "/users", label: "Users" },
  { href: "/devices", label: "Devices" },
  { href: "/batches", label: "Sync batches" },
  { href: "/conflicts", label: "Conflicts" },
  { href: "/audit", label: "Audit log" },
  { href: "/compaction", label: "Compaction" },
  { href: "/schema", label: "Schema" },
  { href: "/keys", label: "Service keys", admin: true },
  { href: "/webhooks", label: "Webhooks", admin: true },
  { href: "/staff", label: "Staff", admin: true },
] as const;

export function ConsoleNav({ staff }: { staff: StaffIdentity }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Console" className="border-b border-slate-200 bg-white md:w-56 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900">
      <a href="#main" className="sr-only focus:not-sr-only">Skip to content</a>
      <div className="flex items-center justify-between p-4 md:block">
        <Link href="/overview" className="text-lg font-semibold">Syncdesk</Link>
      </div>
      <ul className="flex gap-1 overflow-x-auto px-2 pb-2 md:flex-col md:pb-0">
        {LINKS.filter((link) => !("admin" in link) || staff.role === "admin").map((link) => {
          const active = pathname === link.href || pathname.startsWith(`${link.href}/`);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`block whitespace-nowrap rounded-md px-3 py-2 text-sm ${active ? "bg-indigo-50 font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300" : "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
      <div className="border-t border-slate-200 p-4 text-xs text-slate-600 md:mt-6 dark:border-slate-800 dark:text-slate-400">
        <p className="truncate" title={staff.email}>{staff.email}</p>
        <p className="mt-0.5">Role: <span data-testid="staff-role">{staff.role}</span></p>
        <Link href="/password" className="mt-2 block text-indigo-600 hover:underline dark:text-indigo-400">Change password</Link>
        <Link href="/two-factor" className="mt-2 block text-indigo-600 hover:underline dark:text-indigo-400">Two-factor login</Link>
        <button type="button" onClick={() => void signOut({ callbackUrl: "/login" })} className="mt-2 text-indigo-600 hover:underline dark:text-indigo-400">
          Log out
        </button>
      </div>
    </nav>
  );
}
