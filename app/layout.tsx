import type { Metadata } from "next";
import type { ReactNode } from "react";
import "./globals.css";

// Every page renders per request: the CSP nonce of proxy.ts must reach Next's scripts.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Syncdesk",
  description: "A sync server for offline-first mobile apps",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
