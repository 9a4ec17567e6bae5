// Layering rules (issue 18), checked by `npm run lint:deps`; docs/ARCHITECTURE.md explains them.
// "Domain" is every module's domain/ folder (pure: deciders, calculations, types).
const DOMAIN = ['^src/[^/]+/domain/'];
// What every domain file may use besides other domain code: the shared kernel (pure files only).
const KERNEL = ['^src/shared/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-no-framework',
      severity: 'error',
      comment: 'Domain code is pure: no Nest, no pg, no file system or network (the clock and I/O belong to handlers).',
      from: { path: DOMAIN },
      to: {
        path: [
          '^@nestjs/',
          'node_modules/@nestjs/',
          '^pg$',
          'node_modules/pg/',
          '^pg-copy-streams$',
          'node_modules/pg-copy-streams/',
          '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|child_process|cluster|tls)$',
        ],
      },
    },
    {
      name: 'domain-no-internals',
      severity: 'error',
      comment: "Domain code imports only domain code (its own module's or another's) and the shared kernel, never services, readers, controllers or infrastructure.",
      from: { path: DOMAIN },
      to: { path: '^src/', pathNot: [...DOMAIN, ...KERNEL] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between files. Cycles between modules (folders) are checked by scripts/module-cycles.mjs.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-test',
      severity: 'error',
      comment: 'Production code does not import tests or their support.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage|test-output)/' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
