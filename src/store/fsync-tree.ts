import { constants } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * fsync every file and directory under `root`. PGlite writes its files with plain writes and never
 * flushes them; after a CHECKPOINT (and with nothing else running on its one connection) this makes
 * that checkpointed state durable, which is what allows journal records to be dropped.
 */
export async function fsyncTree(root: string): Promise<number> {
  let count = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        await syncPath(path);
        count += 1;
      }
    }
    await syncPath(dir);
    count += 1;
  };
  await walk(root);
  return count;
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
