// The Redis keys of the floor server (bench/floor-server.ts), named once for it and for bench:floor.
/** bitmap of consumed codes */
export const FLOOR_BITMAP = 'floor:seen';
/** stream of events */
export const FLOOR_STREAM = 'floor:events';
