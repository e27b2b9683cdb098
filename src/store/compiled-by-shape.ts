import { type Compilable, CompiledQuery } from 'kysely';

/**
 * Kysely builds and compiles a query's whole tree on every call. For the statement on every note's path
 * (the submit insert, ~30 columns) that was about 0.07 ms on a busy process and 1 ms on one that had slept
 * a few milliseconds (cold caches), measured at 10 notes a second (issue #11, item 6). Its text depends
 * only on the shape of its rows (how many, which columns in which order), so the text is kept per shape
 * and only the parameters are laid out again. The first compile of a shape checks that laying them out by
 * hand gives exactly Kysely's parameters; a shape where it does not (or rows of unlike shapes, or an
 * undefined value, which Kysely turns into DEFAULT) is always compiled by Kysely.
 */
export class CompiledByShape<Row extends object> {
  /** SQL text per shape; null = this shape is always compiled by Kysely. */
  private readonly texts = new Map<string, string | null>();

  constructor(
    private readonly build: (rows: Row[]) => Compilable,
    private readonly limit = 64,
  ) {}

  compile(typed: Row[]): CompiledQuery {
    const rows = typed as Record<string, unknown>[];
    const columns = Object.keys(rows[0] ?? {});
    const uniform = rows.every((row) => {
      const keys = Object.keys(row);
      return (
        keys.length === columns.length &&
        keys.every((key, index) => key === columns[index] && row[key] !== undefined)
      );
    });
    if (!uniform || rows.length === 0) return this.build(typed).compile();
    const shape = `${rows.length}:${columns.join(',')}`;
    const parameters = rows.flatMap((row) => columns.map((column) => row[column]));
    const text = this.texts.get(shape);
    if (text) return CompiledQuery.raw(text, parameters);
    const compiled = this.build(typed).compile();
    if (text === undefined && this.texts.size < this.limit) {
      const same =
        compiled.parameters.length === parameters.length &&
        compiled.parameters.every((value, index) => value === parameters[index]);
      this.texts.set(shape, same ? compiled.sql : null);
    }
    return compiled;
  }
}
