import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreConfigError } from './errors.ts';

/**
 * PGlite is one in-process database: two processes opening the same folder would both write its
 * files and corrupt it. A pid file refuses the second opener; a pid that no longer runs (a killed
 * process) is taken over.
 */
export async function lockDataDir(dataDir: string, variable: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'pglite.lock');
  for (let tries = 0; tries < 2; tries += 1) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder > 0 && isRunning(holder)) {
        throw new StoreConfigError(
          `The embedded store in ${dataDir} (${variable}) is already open in process ${holder}` +
            `${holder === process.pid ? ' (this one)' : ''}, which does not lend it to other commands ` +
            '(a running `skybridge start`/`serve` does, and `skybridge` commands then go through it). ' +
            `Stop that process, use another ${variable}, or set DATABASE_URL so several processes can ` +
            'share a PostgreSQL server.',
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new StoreConfigError(
    `Could not take the lock ${path}; remove it if no Skybridge process is running.`,
  );
}

/** The live process holding `dataDir`'s lock, if any. */
export async function lockHolder(dataDir: string): Promise<number | undefined> {
  const holder = Number.parseInt(await readFile(join(dataDir, 'pglite.lock'), 'utf8').catch(() => ''), 10);
  return Number.isInteger(holder) && holder > 0 && isRunning(holder) ? holder : undefined;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
