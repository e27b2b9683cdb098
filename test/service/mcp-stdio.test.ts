import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { BIN } from '../helpers/entry.ts';
import { postgresEngine } from '../helpers/stores.ts';
import { call, newClient } from './mcp-helpers.ts';

test('`skybridge mcp` serves the tools on stdio, says it is simulated, and logs only to stderr', async () => {
  const engine = await postgresEngine.create();
  after(() => engine.dispose());
  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    // No WELLSKY_* credentials: the demo agency. PATH for tsx's child tools; nothing else leaks in.
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: engine.databaseUrl!, NODE_ENV: 'test' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const client = newClient();
  await client.connect(transport);
  after(() => client.close());

  assert.match(client.getInstructions() ?? '', /SIMULATED WellSky/);
  const { tools } = await client.listTools();
  // Named rather than counted: other parts keep adding tools.
  const names = tools.map((t) => t.name);
  for (const name of ['find_person', 'identify_caller', 'add_note', 'upsert_prospect', 'upsert_applicant'])
    assert.ok(names.includes(name), `${name} is listed`);
  // The first answer waits for the first sync; the demo agency then answers a caller.
  const found = await call(client, 'find_person', { name: 'a', kind: 'client', limit: 1 });
  const [person] = found.data.people as { id: string; phones: { number: string }[] }[];
  assert.ok(person, found.text);
  const who = await call(client, 'identify_caller', { phone: person.phones[0]!.number });
  assert.ok(
    (who.data.matches as { id: string }[]).some((m) => m.id === person.id),
    who.text,
  );
  await client.close();
  assert.match(stderr.join(''), /SIMULATED WellSky with a demo agency/);
});
