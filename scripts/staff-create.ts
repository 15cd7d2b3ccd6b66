// `npm run staff:create -- --email ops@example.com --role admin [--name "Ada"] [--password ...]`
// Creates a console account and prints its one-time password (unless one was given). On the
// embedded database, stop the server first: PGlite is opened by one process at a time.
import { parseArgs } from "node:util";
import { getDatabase } from "../server/db/client";
import { createStaff, generatePassword } from "../server/staff/accounts";
import { ROLES, ZRole } from "../server/staff/roles";

const USAGE = `Usage: npm run staff:create -- --email <email> --role <${ROLES.join("|")}> [--name <name>] [--password <password>]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { email?: string; role?: string; name?: string; password?: string };
  try {
    ({ values } = parseArgs({
      options: { email: { type: "string" }, role: { type: "string" }, name: { type: "string" }, password: { type: "string" } },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (!values.email) fail("--email is required");
  const role = ZRole.safeParse(values.role);
  if (!role.success) fail(`--role must be one of ${ROLES.join(", ")}`);
  if (values.password !== undefined && values.password.length < 12) fail("--password must be at least 12 characters");
  const database = await getDatabase();
  try {
    const password = values.password ?? generatePassword();
    const staff = await createStaff(database.prisma, { email: values.email, role: role.data, name: values.name, password });
    process.stdout.write(`Created ${staff.role} ${staff.email}\n`);
    if (!values.password) process.stdout.write(`One-time password (shown once, change it after logging in): ${password}\n`);
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  } finally {
    await database.close();
  }
}

void main();
