// Redis settings the engine relies on, in one place: the embedded redis-server is started with them,
// the test servers too, and docs/operations say what to set on an external Redis.

/**
 * Hash values up to this many bytes keep a small hash a listpack: a consumed code's record (about 100
 * bytes, src/scan/code-record.ts) then costs 113 bytes in its bucket of 64 instead of 170 as a
 * hashtable entry (measured on Redis 7.0). Redis' default is 64.
 */
export const HASH_MAX_LISTPACK_VALUE = 128;
