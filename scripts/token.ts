// `npm run token -- --user alice [--streams org:acme,org:beta] [--expires 30d]`
// Prints a development device JWT signed with this server's SYNC_JWT_SECRET (the token alone on
// stdout, so `TOKEN=$(npm run -s token -- --user alice)` works) and a curl example on stderr.
import { parseArgs } from "node:util";
import { env } from "../server/env";
import { mintDeviceJwt } from "../server/http/dev-token";

const USAGE = "Usage: npm run token -- --user <id> [--streams org:acme,org:beta] [--expires 30d]";

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { user?: string; streams?: string; expires?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        user: { type: "string", short: "u" },
        streams: { type: "string", short: "s" },
        expires: { type: "string", short: "e", default: "30d" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.user?.trim()) fail("--user is required");

  const config = env();
  // A production deployment's devices get tokens from the app's auth server, never from here.
  if (config.NODE_ENV === "production" && config.databaseKind === "postgres") {
    fail("Refusing to mint development tokens in production (NODE_ENV=production with DATABASE_URL)");
  }
  if (!config.SYNC_JWT_SECRET) fail("SYNC_JWKS_URL is set: tokens come from your identity provider");

  const streams = (values.streams ?? "")
    .split(",")
    .map((stream) => stream.trim())
    .filter((stream) => stream.length > 0);
  let token: string;
  try {
    token = await mintDeviceJwt({
      userId: values.user.trim(),
      streams,
      expiresIn: values.expires,
      secret: config.SYNC_JWT_SECRET,
      issuer: config.SYNC_JWT_ISSUER,
      audience: config.SYNC_JWT_AUDIENCE,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }

  console.log(token);
  const body = JSON.stringify({ device_id: `cli-${values.user.trim()}` });
  console.error(
    `\nTry it: curl -s -X POST http://localhost:${config.PORT}/api/v1/sync/bootstrap -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" -d '${body}'`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
