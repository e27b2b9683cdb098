import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';

/** An open file the journal appends to. */
export interface AppendHandle {
  write(data: string): Promise<void>;
  /** Flush the file's data (and the size needed to read it back) to the disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The file-system calls the journal makes, injectable so tests can see that the flush really
 * happens before an append is acknowledged (and can simulate failures).
 */
export interface FileOps {
  openAppend(path: string): Promise<AppendHandle>;
  /** fsync a directory, so a file created or removed in it survives a power loss. */
  syncDir(path: string): Promise<void>;
  mkdir(path: string): Promise<boolean>;
  readdir(path: string): Promise<string[]>;
  readFile(path: string): Promise<string>;
  unlink(path: string): Promise<void>;
}

export const nodeFileOps: FileOps = {
  async openAppend(path) {
    // O_DSYNC: each write returns once its data (and the file size a reader needs) is on the disk, as
    // write + fdatasync would, in one system call instead of two trips to the thread pool.
    const handle = await fs.open(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC,
      0o600,
    );
    return {
      async write(data) {
        const buffer = Buffer.from(data, 'utf8');
        let offset = 0;
        // A write may be short (signals, full disks): loop until the whole line is out.
        while (offset < buffer.length) {
          const { bytesWritten } = await handle.write(buffer, offset, buffer.length - offset);
          offset += bytesWritten;
        }
      },
      // Nothing left to flush: the file is opened with O_DSYNC (above), so every write was already
      // flushed with the file size, which is all a reader needs.
      sync: async () => undefined,
      close: () => handle.close(),
    };
  },
  async syncDir(path) {
    const handle = await fs.open(path, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async mkdir(path) {
    const created = await fs.mkdir(path, { recursive: true });
    return created !== undefined;
  },
  readdir: (path) => fs.readdir(path),
  readFile: (path) => fs.readFile(path, 'utf8'),
  unlink: (path) => fs.unlink(path),
};
