// `npm run bench`: runs each registered section in order. A section prints its own table
// (console.table). `npm run bench -- mirror` runs only the sections whose name contains "mirror".
import type { BenchSection } from './section.ts';
import { documentationSection } from './sections/documentation.ts';
import { fillSection } from './sections/fill.ts';
import { intakeSection } from './sections/intake.ts';
import { messagingSection } from './sections/messaging.ts';
import { mirrorSection } from './sections/mirror.ts';
import { operationsSection } from './sections/operations.ts';
import { serviceSection } from './sections/service.ts';
import { serviceLatencySection } from './sections/service-latency.ts';

export const sections: BenchSection[] = [
  documentationSection,
  mirrorSection,
  serviceSection,
  serviceLatencySection,
  operationsSection,
  intakeSection,
  messagingSection,
  fillSection,
];

const wanted = process.argv.slice(2);
for (const section of sections) {
  if (wanted.length > 0 && !wanted.some((w) => section.name.includes(w))) continue;
  console.log(`\n## ${section.name}\n`);
  const started = performance.now();
  await section.run();
  console.log(`(${section.name}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
