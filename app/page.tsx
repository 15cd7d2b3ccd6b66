// The landing page of the console. The console itself (devices, batches, conflicts) comes later;
// until then this page says what the server is and where to start.

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
    title: "Two databases",
    text: "Embedded PGlite under .data/ for a one-command start, PostgreSQL for production. One schema, one migrator.",
  },
];

const links = [
  { label: "Health", href: "/api/health", note: "GET /api/health" },
  { label: "Protocol", href: null, note: "docs/protocol.md in the repository" },
  { label: "Console", href: null, note: "devices, batches and conflicts: coming soon" },
];

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-12 px-6 py-16 sm:py-24">
      <header className="flex flex-col gap-4">
        <p className="text-sm font-semibold uppercase tracking-widest text-teal-600 dark:text-teal-400">
          Syncdesk
        </p>
        <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">
          The sync server for offline-first mobile apps
        </h1>
        <p className="max-w-2xl text-lg text-slate-600 dark:text-slate-400">
          Devices keep working without a network and sync when they can. Syncdesk stores their
          changes, settles conflicts by policy and hands every device exactly what it is missing.
        </p>
      </header>

      <section className="grid gap-4 sm:grid-cols-2">
        {features.map((feature) => (
          <article
            key={feature.title}
            className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
          >
            <h2 className="font-semibold">{feature.title}</h2>
            <p className="mt-2 text-sm leading-6 text-slate-600 dark:text-slate-400">{feature.text}</p>
          </article>
        ))}
      </section>

      <section className="flex flex-col gap-3">
        <h2 className="text-lg font-semibold">Try it as a device</h2>
        <pre className="overflow-x-auto rounded-xl bg-slate-900 p-5 font-mono text-sm leading-6 text-slate-100">
          <code className="text-slate-400">{"# a development device token for user alice\n"}</code>
          <code>{"TOKEN=$(npm run -s token -- --user alice)\n"}</code>
          <code>
            {
              'curl -X POST localhost:3000/api/v1/sync/bootstrap \\\n  -H "Authorization: Bearer $TOKEN" \\\n  -H "Content-Type: application/json" \\\n  -d \'{"device_id":"my-laptop"}\''
            }
          </code>
        </pre>
      </section>

      <nav className="flex flex-wrap gap-3" aria-label="Links">
        {links.map((link) =>
          link.href ? (
            <a
              key={link.label}
              href={link.href}
              className="rounded-lg bg-teal-600 px-4 py-2 text-sm font-medium text-white hover:bg-teal-700"
              title={link.note}
            >
              {link.label}
            </a>
          ) : (
            <span
              key={link.label}
              className="rounded-lg border border-slate-300 px-4 py-2 text-sm text-slate-500 dark:border-slate-700"
              title={link.note}
            >
              {link.label} <span className="text-xs">({link.note})</span>
            </span>
          ),
        )}
      </nav>
    </main>
  );
}
