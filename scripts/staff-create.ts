// `npm run staff:create -- --email ops@example.com --role admin [--name "Ada"] [--password ...]`
// Creates a console account and prints its one-time password (unless one was given; a one-time
// password must be replaced at the first login). The embedded database is one process's: while the
// server runs on it, this stops and says so (an admin adds accounts on the console's Staff page).
import { parseArgs } from "node:util";
import { createStaff, generatePassword } from "../server/staff/accounts";
import { ROLES, ZRole } from "../server/staff/roles";
import { withCliDatabase } from "./cli-database";

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
  const email = values.email;
  await withCliDatabase(USAGE, async (db) => {
    const password = values.password ?? generatePassword();
    const staff = await createStaff(db, { email, role: role.data, name: values.name, password, oneTimePassword: !values.password });
    process.stdout.write(`Created ${staff.role} ${staff.email}\n`);
    if (!values.password) process.stdout.write(`One-time password (shown once; it must be replaced at the first login): ${password}\n`);
  }, "Log in to the console as an admin and add the account on the Staff page, or stop the server and run this again.");
}

void main();
