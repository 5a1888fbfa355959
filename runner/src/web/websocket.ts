// The server side of RFC 6455 for the one route that needs it (`fly intercept`'s hijack): the
// handshake, masked client frames in (text, close, ping), unmasked text frames out. Messages are
// small JSON documents, so fragmented and oversized frames are refused.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const acceptGuid = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const maxMessage = 1 << 20;

export interface WebSocket {
  send: (text: string) => void;
  /** Sends a close frame (normal closure) and ends the connection. */
  close: () => void;
}

export interface WebSocketHandlers {
  onMessage: (text: string) => void;
  onClose: () => void;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)]);
  return Buffer.concat([head, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** Answers the upgrade; undefined (and the socket closed with 400) when it is not a WebSocket handshake. */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  handlers: (ws: WebSocket) => WebSocketHandlers,
): WebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || String(req.headers.upgrade).toLowerCase() !== 'websocket') {
    socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + acceptGuid)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
  );
  let closed = false;
  const ws: WebSocket = {
    send: (text) => {
      if (!closed) socket.write(frame(0x1, Buffer.from(text)));
    },
    close: () => {
      if (closed) return;
      closed = true;
      socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
    },
  };
  const { onMessage, onClose } = handlers(ws);
  let buffered = Buffer.alloc(0);
  const fail = (): void => {
    closed = true;
    socket.destroy();
  };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (buffered.length < 2) return;
      const fin = (buffered[0]! & 0x80) !== 0;
      const opcode = buffered[0]! & 0x0f;
      const masked = (buffered[1]! & 0x80) !== 0;
      let length = buffered[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffered.length < 4) return;
        length = buffered.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffered.length < 10) return;
        length = Number(buffered.readBigUInt64BE(2));
        offset = 10;
      }
      if (!fin || !masked || length > maxMessage) return fail();
      if (buffered.length < offset + 4 + length) return;
      const mask = buffered.subarray(offset, offset + 4);
      const payload = Buffer.from(buffered.subarray(offset + 4, offset + 4 + length));
      for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
      buffered = buffered.subarray(offset + 4 + length);
      if (opcode === 0x1 || opcode === 0x2) onMessage(payload.toString('utf8'));
      else if (opcode === 0x8) ws.close();
      else if (opcode === 0x9) socket.write(frame(0xa, payload));
    }
  });
  socket.on('close', () => {
    closed = true;
    onClose();
  });
  socket.on('error', () => undefined);
  return ws;
}
