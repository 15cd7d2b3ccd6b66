// The home page: what Syncdesk is, and the way into the console and the docs.
import Link from "next/link";

const features = [
  {
    title: "Push",
    text: "Idempotent bundles, client ids mapped to server ids, partial or atomic, and a conflict policy per type: last-writer-wins, version, three-way merge or manual.",
  },
  {
    title: "Pull",
    text: "Per-stream change logs in commit order, signed expiring tokens, and pages that never split a bundle.",
  },
  {
    title: "Bootstrap",
    text: "A consistent, paged snapshot for a new install that converges with one pull, even while others write.",
  },
  {
    title: "Console",
    text: "Records and their history with restore, users, devices, sync batches, conflicts, compaction and an audit log, by role.",
  },
];

const docs = [
  { label: "Mobile API reference", href: "/docs/api", note: "every route with examples and error codes; try each call with a development token" },
  { label: "OpenAPI document", href: "/api/v1/openapi.json", note: "GET /api/v1/openapi.json" },
  { label: "Health", href: "/api/health", note: "GET /api/health" },
];

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-12 px-6 py-16 sm:py-24">
      <header className="flex flex-col gap-4">
        <p className="text-sm font-semibold uppercase tracking-widest text-teal-700 dark:text-teal-400">Syncdesk</p>
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">The sync server for offline-first mobile apps</h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-400">
          Devices keep working without a network and sync when they can. Syncdesk stores their
          changes, settles conflicts by policy and hands every device exactly what it is missing.
        </p>
        <nav aria-label="Start here" className="flex flex-wrap gap-3">
          <Link href="/overview" className="rounded-lg bg-teal-700 px-4 py-2 text-sm font-medium text-white hover:bg-teal-800">Open the console</Link>
          <Link href="/docs/api" className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800">Read the API docs</Link>
        </nav>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          First start? The console’s admin account and its one-time password were printed in the server’s log; you choose your own password at the first login.
        </p>
      </header>

      <section className="grid gap-4 sm:grid-cols-2" aria-label="What it does">
        {features.map((feature) => (
          <article key={feature.title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <h2 className="font-semibold">{feature.title}</h2>
            <p className="mt-2 text-sm leading-6 text-slate-600 dark:text-slate-400">{feature.text}</p>
          </article>
        ))}
      </section>

      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Try it as a device</h2>
        <pre aria-label="Example request" tabIndex={0} className="overflow-x-auto rounded-xl bg-slate-900 p-5 font-mono text-sm leading-6 text-slate-100">
          <code className="text-slate-400">{"# a development device token for user alice\n"}</code>
          <code>{"TOKEN=$(npm run -s token -- --user alice)\n"}</code>
          <code>
            {'curl -X POST localhost:3000/api/v1/sync/bootstrap \\\n  -H "Authorization: Bearer $TOKEN" \\\n  -H "Content-Type: application/json" \\\n  -d \'{"device_id":"my-laptop"}\''}
          </code>
        </pre>
      </section>

      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Docs</h2>
        <ul className="flex flex-col gap-2 text-sm">
          {docs.map((doc) => (
            <li key={doc.href}>
              <a href={doc.href} className="font-medium text-teal-800 underline dark:text-teal-300">{doc.label}</a>{" "}
              <span className="text-slate-600 dark:text-slate-400">({doc.note})</span>
            </li>
          ))}
          <li className="text-slate-600 dark:text-slate-400">
            In the repository: <code>README.md</code>, <code>docs/protocol.md</code> (the wire protocol), <code>docs/sdk.md</code>, <code>docs/deployment.md</code>.
          </li>
        </ul>
      </section>
    </main>
  );
}
