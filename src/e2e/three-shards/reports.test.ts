// The reports suite again with its engines on three shards of one redis-server: every engine process
// it starts inherits SCANLOT_SHARDS (each test file runs in a process of its own).
process.env.SCANLOT_SHARDS = '3';
await import('../reports.test.js');
