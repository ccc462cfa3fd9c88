// Code batches for packaging lines and printers.
import { badRequest, notFound } from '../../errors.js';
import { parseBatchInput } from '../../batches/batch.js';
import type { BatchStore } from '../../batches/batch-store.js';
import { CodeExport, type ExportFormat } from '../../codes/code-export.js';
import type { CodeCodec } from '../../codes/code-codec.js';
import { MAX_BATCH_ID } from '../../codes/code-codec.js';
import { parseJsonObject } from '../../validation/json-fields.js';
import { json } from '../http-call.js';
import type { HttpCall } from '../http-call.js';
import type { Route } from '../router.js';
import { streamBody } from '../stream-body.js';

function batchIdParam(call: HttpCall): number {
  const raw = call.params[0] ?? '';
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_BATCH_ID) throw notFound(`batch ${raw}`);
  return Number(raw);
}

function intQuery(call: HttpCall, name: string, def: number, max: number): number {
  const raw = call.queryParam(name);
  if (raw === null || raw === '') return def;
  if (!/^\d{1,10}$/.test(raw) || Number(raw) > max) throw badRequest(name, `must be an integer from 0 to ${max}`);
  return Number(raw);
}

export function batchRoutes(batches: BatchStore, codec: CodeCodec, publicBaseUrl: string): Route[] {
  return [
    {
      method: 'get',
      pattern: '/v1/batches',
      roles: ['operator'],
      async handle(call) {
        const after = intQuery(call, 'after', 0, MAX_BATCH_ID);
        const limit = intQuery(call, 'limit', 100, 1000);
        if (limit < 1) throw badRequest('limit', 'must be an integer from 1 to 1000');
        return json('200 OK', JSON.stringify(await batches.list(after, limit)));
      },
    },
    {
      method: 'post',
      pattern: '/v1/batches',
      roles: ['printer'],
      body: true,
      async handle(_call, body) {
        const batch = await batches.create(parseBatchInput(parseJsonObject(body as Buffer)));
        return json('201 Created', JSON.stringify(batch));
      },
    },
    {
      method: 'get',
      pattern: '/v1/batches/:id',
      roles: ['operator', 'printer'],
      async handle(call) {
        const id = batchIdParam(call);
        const b = await batches.describe(id);
        if (!b) throw notFound(`batch ${id}`);
        return json('200 OK', JSON.stringify(b));
      },
    },
    ...(['activate', 'void'] as const).map(
      (action): Route => ({
        method: 'post',
        pattern: `/v1/batches/:id/${action}`,
        roles: action === 'activate' ? ['operator', 'printer'] : ['operator'],
        async handle(call) {
          const b = await batches.setStatus(batchIdParam(call), action === 'activate' ? 'active' : 'void');
          return json('200 OK', JSON.stringify(b));
        },
      }),
    ),
    {
      method: 'get',
      pattern: '/v1/batches/:id/codes',
      roles: ['operator', 'printer'],
      async handle(call) {
        const id = batchIdParam(call);
        const batch = await batches.get(id);
        if (!batch) throw notFound(`batch ${id}`);
        const format = call.queryParam('format') ?? 'csv';
        if (format !== 'csv' && format !== 'txt') throw badRequest('format', 'must be csv or txt');
        const from = intQuery(call, 'from', 0, batch.size);
        const to = intQuery(call, 'to', batch.size, batch.size);
        if (from > to) throw badRequest('from', 'must not be after to');
        const exp = new CodeExport(codec, id, from, to, `${publicBaseUrl}/c/`, format as ExportFormat);
        const type = format === 'csv' ? 'text/csv; charset=utf-8' : 'text/plain; charset=utf-8';
        streamBody(call, '200 OK', [['content-type', type], ['content-disposition', `attachment; filename="batch-${id}-${from}-${to}.${format}"`]], () => exp.nextChunk());
        return null;
      },
    },
  ];
}
