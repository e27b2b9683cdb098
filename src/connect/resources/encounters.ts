import { type PagingOptions, paginate } from '../paging.ts';
import { route } from '../routes.ts';
import type { Transport } from '../transport.ts';
import { bundleOf } from '../wire/bundle.ts';
import type { Position } from '../wire/common.ts';
import {
  type ClockInRequest,
  ClockInResponse,
  type ClockOutRequest,
  Encounter,
  TaskLog,
  TaskLogCreated,
  type TaskLogRequest,
} from '../wire/scheduling.ts';
import type { ShiftOwner } from './appointments.ts';
import { compactDate, searchPage } from './search.ts';

export type EncounterRange = ShiftOwner & { from: string; to: string; sort?: string };

export function encountersResource(transport: Transport) {
  return {
    /** Visits of one client or caregiver between two days (`YYYY-MM-DD`, inclusive), every page. */
    search(range: EncounterRange, options: PagingOptions = {}): AsyncGenerator<Encounter> {
      const hasClient = Boolean(range.clientId);
      if (hasClient === Boolean(range.caregiverId))
        throw new RangeError('give exactly one of clientId or caregiverId');
      const body = {
        ...(hasClient ? { clientId: range.clientId } : { caregiverId: range.caregiverId }),
        startDate: compactDate(range.from),
        endDate: compactDate(range.to),
      };
      return paginate(
        (page, count) =>
          searchPage(transport, route('encountersSearch'), Encounter, {
            page,
            count,
            sort: range.sort,
            body,
          }),
        options,
      );
    },
    get(id: string): Promise<Encounter> {
      return transport.request({ route: route('encounterGet', { id }), schema: Encounter });
    },
    /**
     * Clock in on a shift (EVV). The path takes the appointment id; WellSky returns the existing visit
     * when already clocked in (facts §3.7 [V]), so repeating it is safe. `position` goes only if given.
     */
    clockIn(appointmentId: string, input: { start: string; position?: Position | undefined }) {
      const body: ClockInRequest = { resourceType: 'Encounter', period: { start: input.start } };
      if (input.position) body.position = input.position;
      return transport.request({
        route: route('clockIn', { appointmentId }),
        body,
        schema: ClockInResponse,
        idempotent: true,
        successFlag: true,
      });
    },
    /** Clock out; the path takes the visit (encounter) id from clock-in, not the shift id. */
    async clockOut(
      encounterId: string,
      input: Omit<ClockOutRequest, 'resourceType' | 'period'> & { end: string },
    ) {
      const { end, ...rest } = input;
      const body: ClockOutRequest = { resourceType: 'Encounter', period: { end }, ...stripUndefined(rest) };
      await transport.request({ route: route('clockOut', { encounterId }), body, successFlag: true });
    },
    /** The one reliable note write: a task log on a visit (facts §3.8 [V]). Never re-sent automatically. */
    async addTaskLog(encounterId: string, body: TaskLogRequest): Promise<{ taskLogId: string | undefined }> {
      const created = await transport.request({
        route: route('taskLogCreate', { encounterId }),
        body,
        schema: TaskLogCreated,
        successFlag: true,
      });
      return { taskLogId: created.taskLogId };
    },
    async taskLogs(encounterId: string): Promise<TaskLog[]> {
      const page = await transport.request({
        route: route('taskLogList', { encounterId }),
        schema: bundleOf(TaskLog),
      });
      return page.resources;
    },
    updateTaskLog(encounterId: string, taskLogId: string, body: Partial<TaskLogRequest>) {
      return transport.request({ route: route('taskLogUpdate', { encounterId, taskLogId }), body });
    },
    setTaskStatus(
      encounterId: string,
      taskId: string,
      status: 'COMPLETE' | 'NOT_COMPLETE',
      comment?: string,
    ) {
      if (status === 'NOT_COMPLETE' && !comment?.trim()) {
        throw new RangeError('a comment is required when a task is NOT_COMPLETE');
      }
      return transport.request({
        route: route('taskUpdate', { encounterId, taskId }),
        body: { resourceType: 'Task', status, ...(comment ? { comment } : {}) },
        successFlag: true,
      });
    },
  };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
