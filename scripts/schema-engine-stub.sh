#!/bin/sh
# Stand-in for Prisma's schema-engine binary, which `prisma generate` requires to exist but does not
# run. Anything that really needs the schema engine is refused loudly.
echo "schema-engine is not available offline; Syncdesk applies migrations with npm run db:migrate" >&2
exit 1
