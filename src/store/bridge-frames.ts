import type { Socket } from 'node:net';
import { deserialize, serialize } from 'node:v8';

/**
 * Length-prefixed V8-serialised messages: query parameters and result rows keep their types (`Date`,
 * `Buffer`, `bigint`) across the socket exactly as node-postgres produced them in the service.
 */
export function sendFrame(socket: Socket, message: unknown): void {
  const body = serialize(message);
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length);
  socket.write(Buffer.concat([header, body]));
}

/** Calls `onMessage` for each whole message arriving on `socket`. */
export function readFrames(socket: Socket, onMessage: (message: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= 4) {
      const length = pending.readUInt32BE(0);
      if (pending.length < 4 + length) break;
      const body = pending.subarray(4, 4 + length);
      pending = pending.subarray(4 + length);
      onMessage(deserialize(body));
    }
  });
}
