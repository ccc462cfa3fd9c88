// cluster-key-slot (ioredis' own dependency) ships no types
declare module 'cluster-key-slot' {
  /** the Redis Cluster hash slot of a key (CRC16 of its hash tag, mod 16384) */
  export default function calculateSlot(key: string): number;
}
