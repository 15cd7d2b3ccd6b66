-- The record browser's "field = value" filter (server/records/field-value.ts) finds matches through
-- these instead of testing every record in scope. jsonb_path_ops: one hashed entry per value with
-- its path, the smallest GIN form that answers `@>`.
-- Over the whole table: a value searched across every stream.
CREATE INDEX "records_data_idx" ON "records" USING GIN ("data" jsonb_path_ops);
-- Over {<stream>: data}: each entry hashes stream, field and value together, so a value that is
-- rare in a user's streams costs its few entries even when it is common elsewhere. schema.prisma
-- cannot declare an expression index; server/db/schema-prisma.ts lists it for the drift check.
CREATE INDEX "records_stream_data_idx" ON "records" USING GIN ((jsonb_set('{}'::jsonb, ARRAY["stream"], "data")) jsonb_path_ops);
