-- The console finds a record by its id (or the id's start) without knowing its stream: the primary
-- key (stream, type, id) cannot serve that, this can (the column's "C" collation lets a btree serve
-- LIKE 'prefix%'). One more index entry per record write.
CREATE INDEX "records_id_idx" ON "records"("id");
