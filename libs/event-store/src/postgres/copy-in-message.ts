import type { Client, Connection, Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient | Client;

/**
 * Sends `sql` (several statements, one of them `COPY … FROM STDIN`) as one simple-query message,
 * the COPY data right behind it, and answers the rows of its last row-returning statement. One
 * round trip and one transaction: the server runs a multi-statement message as one implicit
 * transaction (or inside the caller's open one), and an error anywhere rolls all of it back.
 *
 * The data does not wait for the server's CopyInResponse: when a statement before the COPY
 * fails, the server drops the rest of the message and ignores the copy messages that follow
 * (PostgreSQL protocol, "COPY Operations"). `rows` is called lazily, chunk by chunk, so the
 * server parses one chunk while the next is built; if building one throws, a CopyFail aborts.
 */
export function copyIn(db: Db, sql: string, rows: () => Iterable<string>): Promise<(string | null)[][]> {
  return new Promise((resolve, reject) => {
    const message = new CopyInMessage(sql, rows);
    (db as unknown as { query(q: CopyInMessage, cb: (err: Error | null, rows?: (string | null)[][]) => void): void }).query(message, (err, result) =>
      err ? reject(err) : resolve(result!),
    );
  });
}

const COPY_DATA = 0x64;
const COPY_DONE = Buffer.from([0x63, 0, 0, 0, 4]);
const COPY_FAIL = 0x66;
/** Bytes per CopyData message: big enough to keep the socket busy, small enough to overlap. */
const CHUNK = 64 * 1024;

/** A pg `Submittable`: pg calls `submit`, then one handler per backend message, and the callback. */
class CopyInMessage {
  private rows: (string | null)[][] = [];
  private failure: Error | null = null;
  /** Set by pg from the callback given to `query` (only when unset: hence no initial value). */
  callback?: (err: Error | null, rows?: (string | null)[][]) => void;

  constructor(
    private readonly sql: string,
    private readonly data: () => Iterable<string>,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.sql);
    const socket = (connection as unknown as { stream: NodeJS.WritableStream }).stream;
    try {
      let pending = '';
      for (const text of this.data()) {
        pending += text;
        if (pending.length >= CHUNK) {
          socket.write(frame(COPY_DATA, pending));
          pending = '';
        }
      }
      if (pending) socket.write(frame(COPY_DATA, pending));
      socket.write(COPY_DONE);
    } catch (err) {
      // The server answers the CopyFail with an error; report this one, the cause.
      this.failure = err instanceof Error ? err : new Error(String(err));
      socket.write(frame(COPY_FAIL, `${this.failure.message}\0`));
    }
  }

  /** Each statement that returns rows starts afresh: the last one's rows are the answer. */
  handleRowDescription(): void {
    this.rows = [];
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    this.rows.push(msg.fields);
  }

  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handleCopyInResponse(): void {}

  handleError(err: Error): void {
    this.callback?.(this.failure ?? err);
  }

  handleReadyForQuery(): void {
    this.callback?.(null, this.rows);
  }
}

function frame(type: number, text: string): Buffer {
  const length = Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(5 + length);
  out[0] = type;
  out.writeUInt32BE(length + 4, 1);
  out.write(text, 5);
  return out;
}
