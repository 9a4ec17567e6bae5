// The OpenAPI document is what a client generator reads (issue 18): every operation has a
// typed answer and its problem+json errors, PDFs and XML are declared as such, and the
// bearer scheme says the tokens are opaque. A new route without them fails here, by name.
import { startTestService, type TestService } from '../support/service.js';

interface Response {
  description?: string;
  content?: Record<string, { schema?: Record<string, unknown> }>;
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  responses?: Record<string, Response>;
}
type Document = { paths: Record<string, Record<string, Operation>>; components: { securitySchemes?: Record<string, Record<string, unknown>>; schemas?: Record<string, unknown> } };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const READ_PROBLEMS = ['400', '401', '403', '404', '429'];
const WRITE_PROBLEMS = [...READ_PROBLEMS, '409', '413'];
// operations that issue FA(3) documents: a document the schema refuses is 422
const ISSUES_DOCUMENTS = /\/(invoices|corrections)$/;

let t: TestService;
let document: Document;
beforeAll(async () => {
  t = await startTestService();
  document = (await t.http.get('/docs-json').expect(200)).body as Document;
});
afterAll(() => t.stop());

function operations(): { name: string; method: string; path: string; operation: Operation }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({ name: `${method.toUpperCase()} ${path}`, method, path, operation: item[method] as Operation })),
  );
}

const typed = (schema: Record<string, unknown> | undefined): boolean => schema !== undefined && ('$ref' in schema || 'type' in schema || 'allOf' in schema || 'oneOf' in schema);

test('the document has operations to check', () => {
  expect(operations().length).toBeGreaterThan(40);
});

test('every operation declares a typed successful answer', () => {
  const untyped = operations()
    .filter(({ operation }) => {
      const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
      if (successes.length === 0) return true;
      return successes.some(([status, response]) => status !== '204' && !Object.values(response.content ?? {}).some((media) => typed(media.schema)));
    })
    .map(({ name }) => name);
  expect(untyped).toEqual([]);
});

test('every authenticated operation declares its problem+json errors', () => {
  const missing = operations()
    .filter(({ operation }) => (operation.security ?? []).length > 0)
    .flatMap(({ name, method, path, operation }) => {
      const wanted = method === 'get' ? [...READ_PROBLEMS] : [...WRITE_PROBLEMS];
      if (method === 'post' && ISSUES_DOCUMENTS.test(path)) wanted.push('422');
      return wanted
        .filter((status) => {
          const media = operation.responses?.[status]?.content?.['application/problem+json'];
          return media?.schema?.$ref !== '#/components/schemas/ProblemSchema';
        })
        .map((status) => `${name} ${status}`);
    });
  expect(missing).toEqual([]);
});

test('PDF, XML and CSV answers are declared with their media types', () => {
  const media = (operation: Operation) => Object.keys(operation.responses?.['200']?.content ?? {});
  const declared = operations().map(({ name, path, operation }) => {
    const wanted = [
      ...(/\/invoices\/\{invoiceId\}$/.test(path) ? ['application/json', 'application/pdf', 'application/xml'] : []),
      ...(/\/upo$/.test(path) ? ['application/xml'] : []),
      ...(/\.csv$/.test(path) ? ['text/csv'] : []),
    ];
    return { name, missing: wanted.filter((type) => !media(operation).includes(type)) };
  });
  expect(declared.filter((d) => d.missing.length > 0)).toEqual([]);
  expect(declared.length).toBeGreaterThan(0);
});

test('every operation but the health check is behind the bearer scheme', () => {
  const open = operations()
    .filter(({ operation }) => (operation.security ?? []).length === 0)
    .map(({ name }) => name);
  expect(open).toEqual(['GET /health']);
});

test('the bearer scheme is described as opaque tokens, not JWT', () => {
  const schemes = Object.values(document.components.securitySchemes ?? {});
  expect(schemes).toHaveLength(1);
  expect(schemes[0]).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(schemes[0]?.bearerFormat).toBeUndefined();
  expect(String(schemes[0]?.description)).toMatch(/opaque/i);
});
