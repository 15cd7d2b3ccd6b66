-- Record keys sort by code point (bytewise UTF-8) on every server, whatever the database's
-- locale: a device can reproduce the order of (stream, type, id), which verify pages by
-- (docs/protocol.md "Verify"), and the primary key index serves those range scans.
ALTER TABLE "records"
  ALTER COLUMN "stream" TYPE TEXT COLLATE "C",
  ALTER COLUMN "type" TYPE TEXT COLLATE "C",
  ALTER COLUMN "id" TYPE TEXT COLLATE "C";
