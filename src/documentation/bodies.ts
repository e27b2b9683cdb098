import { DateTime } from 'luxon';
import type { AdminTaskRequest } from '../connect/wire/office.ts';
import type { TaskLogRequest } from '../connect/wire/scheduling.ts';
import type { DocumentationItem } from '../store/types.ts';
import { splitText } from './sanitize.ts';

/**
 * The length of one task-log description Skybridge allows itself. WellSky's limit is undocumented (the
 * source project capped comments at 1,000 and admin-task descriptions at 5,000); longer notes are split
 * into ordered parts rather than truncated.
 */
export const TASK_LOG_PART_LIMIT = 4000;
export const ADMIN_TASK_LIMIT = 5000;

const DEFAULT_TITLES: Record<DocumentationItem['kind'], string> = {
  'client-note': 'Care note',
  'caregiver-note': 'Caregiver note',
  'prospect-note': 'Prospect note',
  'call-out': 'Caregiver call-out',
  'office-task': 'Office task',
  document: 'Document',
};

export function titleOf(item: Pick<DocumentationItem, 'kind' | 'title'>): string {
  return item.title?.trim() || DEFAULT_TITLES[item.kind];
}

/** The reference a note carries, so a later attempt (or a person) can find it in WellSky. */
export function referenceLine(marker: string, part?: { index: number; count: number }): string {
  return part && part.count > 1 ? `Ref ${marker} (part ${part.index}/${part.count})` : `Ref ${marker}`;
}

/** The task logs one note becomes: one, or several ordered parts for a long note. */
export function taskLogBodies(item: DocumentationItem): TaskLogRequest[] {
  const room = TASK_LOG_PART_LIMIT - referenceLine(item.marker, { index: 99, count: 99 }).length - 2;
  const parts = splitText(item.text, room);
  const title = titleOf(item);
  const showInFamilyRoom = item.payload.showInFamilyRoom === true;
  return parts.map((text, i) => {
    const part = { index: i + 1, count: parts.length };
    return {
      resourceType: 'TaskLog',
      title: parts.length > 1 ? `${title} (${part.index}/${part.count})` : title,
      description: `${text}\n\n${referenceLine(item.marker, part)}`,
      status: 'COMPLETE',
      recorded: DateTime.fromJSDate(item.occurred_at).toUTC().toISO({ suppressMilliseconds: true })!,
      show_in_family_room: showInFamilyRoom,
      ...(item.payload.messageForNextCaregiver === true ? { message_for_next_caregiver: true } : {}),
    };
  });
}

/**
 * An office task in the Task-style body WellSky accepts (facts §3.10). There is no priority field, so the
 * priority leads the description. Dates go out in UTC without an offset, as WellSky reads them.
 */
export function adminTaskBody(item: DocumentationItem, agencyId: string, timezone: string): AdminTaskRequest {
  const priority = item.priority ? `[${item.priority.toUpperCase()}] ` : '';
  const description = `${priority}${titleOf(item)}\n\n${item.text}\n\n${referenceLine(item.marker)}`;
  // Intake limits office-task text so this never happens; never cut a description silently.
  if (description.length > ADMIN_TASK_LIMIT) {
    throw new RangeError(
      `office task description is ${description.length} characters; WellSky takes ${ADMIN_TASK_LIMIT}`,
    );
  }
  const occurred = DateTime.fromJSDate(item.occurred_at).setZone(timezone);
  const due = item.due_at ? DateTime.fromJSDate(item.due_at) : occurred.plus({ days: 1 }).endOf('day');
  const requester: AdminTaskRequest['requester'] = [];
  if (item.client_id) requester.push({ resourceType: 'Patient', id: Number(item.client_id) });
  else if (item.prospect_id) requester.push({ resourceType: 'Patient', id: Number(item.prospect_id) });
  if (item.caregiver_id) requester.push({ resourceType: 'Practitioner', id: Number(item.caregiver_id) });
  // At least one requester is required; the source project fell back to the agency id (facts §3.10).
  if (requester.length === 0) requester.push(Number(agencyId));
  return {
    status: 'received',
    description,
    executionDate: occurred.toISODate()!,
    dueDate: due.toUTC().toFormat("yyyy-LL-dd'T'HH:mm:ss"),
    requester,
    owner: [],
    meta: { tag: [{ code: 'agencyId', display: agencyId }] },
  };
}
