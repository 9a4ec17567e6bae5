import type { ArgumentsHost } from '@nestjs/common';
import { pino } from 'pino';
import { ProblemFilter } from './problem-filter.js';
import { noteReadModelLag, noteRecorded, runWithContext } from './common/request-context.js';

function fakeResponse() {
  const sent = { status: 0, type: '', body: '', headers: {} as Record<string, string> };
  const response = {
    headersSent: false,
    status(code: number) {
      sent.status = code;
      return response;
    },
    type(value: string) {
      sent.type = value;
      return response;
    },
    setHeader(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return response;
    },
    send(body: string) {
      sent.body = body;
      return response;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  return { sent, host };
}

const context = () => ({ correlationId: 'c', actor: { tokenId: null, role: 'anonymous' } });
const filter = new ProblemFilter(pino({ level: 'silent' }));

test('an error after the request recorded events answers 202 with what was recorded, not 500', () => {
  const { sent, host } = fakeResponse();
  runWithContext(context(), () => {
    noteRecorded({ streamId: 'cluster-1', streamVersion: 4, eventIds: ['e1'] });
    noteReadModelLag([{ name: 'registry', position: '10:2', failed: true }]);
    filter.catch(new Error('the read model row is missing'), host);
  });
  expect(sent.status).toBe(202);
  expect(sent.headers['read-model-status']).toBe('lagging');
  expect(JSON.parse(sent.body)).toEqual({
    status: 'accepted',
    detail: expect.any(String) as unknown,
    recorded: [{ streamId: 'cluster-1', streamVersion: 4, eventIds: ['e1'] }],
    readModel: { status: 'lagging', projections: [{ name: 'registry', position: '10:2', failed: true }] },
  });
});

test('without recorded events an error stays what it is: 500, or 503 with Retry-After for a lost database; a 4xx after an append stays 4xx', () => {
  const bug = fakeResponse();
  runWithContext(context(), () => {
    filter.catch(new Error('boom'), bug.host);
  });
  expect(bug.sent.status).toBe(500);
  expect(bug.sent.type).toBe('application/problem+json');

  const lost = fakeResponse();
  runWithContext(context(), () => {
    filter.catch(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), lost.host);
  });
  expect(lost.sent.status).toBe(503);
  expect(lost.sent.headers['retry-after']).toBe('5');
  expect(JSON.parse(lost.sent.body)).toMatchObject({ status: 503, detail: expect.stringMatching(/database/) as unknown });

  const conflict = fakeResponse();
  runWithContext(context(), () => {
    noteRecorded({ streamId: 'cluster-1', streamVersion: 4, eventIds: ['e1'] });
    filter.catch(Object.assign(new Error('x'), { status: 409, expose: true, message: 'taken' }), conflict.host);
  });
  expect(conflict.sent.status).toBe(409);
});
