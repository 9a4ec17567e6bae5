// What the OpenAPI document says of errors and of non-JSON answers, declared once (issue 18):
// every error is application/problem+json with the Problem schema; PDFs and FA(3) XML are
// declared as binary and XML bodies. test/service/openapi.e2e.ts fails on an operation
// without a typed answer or without its problem responses.
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorSchema {
  @ApiProperty({ description: 'The field, as a path into the request: `members[2].nip`, `line 14`, `query.month`', example: 'members[2].nip' })
  field!: string;

  @ApiProperty({ description: 'Why the value was refused, in words', example: 'NIP checksum does not match' })
  reason!: string;
}

/** RFC 9457 problem details, the body of every error answer. */
export class ProblemSchema {
  @ApiProperty({ example: 'https://klaster-ledger.pl/problems/400' })
  type!: string;

  @ApiProperty({ example: 'Bad Request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request was refused: see errors' })
  detail!: string;

  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'One entry per refused field or file line' })
  errors?: FieldErrorSchema[];
}

export const PROBLEM_STATUSES = [400, 401, 403, 404, 409, 413, 422, 429] as const;
export type ProblemStatus = (typeof PROBLEM_STATUSES)[number];

const WHEN: Record<ProblemStatus, string> = {
  400: 'The request is malformed: `errors` names each field (or file line) and the reason. Nothing was changed.',
  401: 'No bearer token, or an unknown, expired or revoked one.',
  403: "The token's role may not call this operation.",
  404: "Not found, or another cluster's or member's resource (which is not said to exist).",
  409: 'Conflicts with the recorded state (a closed month, a concurrent change, a repeated Idempotency-Key with another body).',
  413: 'The body is larger than this operation accepts.',
  422: 'Well-formed but refused by a rule that needs the recorded state (an FA(3) document the schema refuses).',
  429: 'Too many requests from this client: retry after the Retry-After header.',
};

/** Problem responses, application/problem+json with the Problem schema, one per status. */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemSchema, FieldErrorSchema),
    ...statuses.map((status) => ApiResponse({ status, description: WHEN[status], content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } } })),
  );
}

/** The problems any authenticated operation can answer; a write adds 409 and 413 (`ApiWriteProblems`). */
export const ApiReadProblems = () => ApiProblems(400, 401, 403, 404, 429);
export const ApiWriteProblems = () => ApiProblems(400, 401, 403, 404, 409, 413, 429);

/** A PDF answer. */
export function ApiPdfResponse(description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 200, description, content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } });
}

/** An XML answer (FA(3) e-invoices, UPO). */
export function ApiXmlResponse(description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 200, description, content: { 'application/xml': { schema: { type: 'string' } } } });
}

/** A CSV answer. */
export function ApiCsvResponse(description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status: 200, description, content: { 'text/csv': { schema: { type: 'string' } } } });
}

/** The bearer scheme: opaque tokens issued by POST /tokens (or `npm run token`), not JWTs. */
export const BEARER_SCHEME = {
  type: 'http' as const,
  scheme: 'bearer',
  // DocumentBuilder.addBearerAuth says JWT unless told otherwise
  bearerFormat: undefined,
  description: 'An opaque token (random, stored hashed) issued by `POST /tokens` or `npm run token`; not a JWT. Scoped to a role, a cluster and, for members, a member.',
};
