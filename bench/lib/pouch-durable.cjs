// Preloaded into pouchdb-server (node --require) by the peer measure: every LevelDB write is
// synced to disk before it is acknowledged (leveldown's `sync: true`), as PostgreSQL's commit is
// (fsync on, synchronous_commit on). PouchDB's LevelDB adapter writes without it, so a
// _bulk_docs answered 201 could still be lost to a power cut: not the same work as a commit.
const path = require("node:path");
const leveldownDir = path.dirname(require.resolve("leveldown", { paths: [process.cwd(), __dirname] }));
const LevelDOWN = require(leveldownDir);
const ChainedBatch = require(path.join(leveldownDir, "chained-batch.js"));

const synced = (options) => ({ ...(options && typeof options === "object" ? options : {}), sync: true });
for (const [proto, name, at] of [
  [LevelDOWN.prototype, "_put", 2],
  [LevelDOWN.prototype, "_del", 1],
  [LevelDOWN.prototype, "_batch", 1],
  [ChainedBatch.prototype, "_write", 0],
]) {
  const original = proto[name];
  proto[name] = function (...args) {
    args[at] = synced(args[at]);
    return original.apply(this, args);
  };
}
process.env.SYNCDESK_BENCH_POUCH_DURABLE = "1";
