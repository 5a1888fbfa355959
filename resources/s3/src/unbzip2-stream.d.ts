declare module 'unbzip2-stream' {
  import type { Duplex } from 'node:stream';
  /** A transform stream from bzip2 bytes to the decompressed bytes. */
  export default function bz2(): Duplex;
}
