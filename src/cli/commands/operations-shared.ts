import { OperationError } from '../../operations/errors.ts';
import type { OperationsPorts } from '../../operations/ports.ts';
import { SkybridgeApp } from '../../runtime/app.ts';
import { operationsOf } from '../../runtime/operations.ts';

/** Runs an operation on the configured WellSky and the synced mirror; prints an OperationError plainly. */
export async function withOperations(
  action: (ops: OperationsPorts) => Promise<number | undefined>,
): Promise<void> {
  const app = await SkybridgeApp.create({ demo: 'never' });
  try {
    const code = await action(operationsOf(app));
    if (code) process.exitCode = code;
  } catch (error) {
    if (error instanceof OperationError) {
      console.error(`skybridge: ${error.message}`);
      process.exitCode = error.code === 'invalid-input' || error.code === 'mirror-empty' ? 2 : 1;
      return;
    }
    throw error;
  } finally {
    await app.close();
  }
}

export function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new OperationError('invalid-input', `${name} must be a number, got "${value}"`, name);
  return n;
}
