// Nothing may cite a file that is not in the repository (issue 18): every repository path
// named in the code, the tests, the README and docs/ (`docs/DOMAIN.md`, `src/...`,
// `migrations/...`, a bare `NAME.md`, a relative Markdown link) must exist. A `.js` path
// is what the compiler makes of a `.ts` file. Paths with placeholders or globs are skipped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = process.cwd();
const SCANNED = ['src', 'test', 'bench', 'scripts', 'migrations', 'docs', 'README.md'];
const PREFIXES = ['docs', 'src', 'test', 'bench', 'scripts', 'migrations', 'assets', 'data'];
const TEXT = /\.(ts|mjs|cjs|js|md|sql|json)$/;

// A path that starts a word: not after another path segment (`dist/src/...`, `../src/...`).
const PATH = new RegExp(`(?<![\\w./@-])((?:${PREFIXES.join('|')})/[\\w.\\-/]*[\\w/])`, 'g');
const BARE_MD = /(?<![\w./@-])([\w-]+\.md)\b/g;
const MD_LINK = /\]\(([^)\s#]+)(?:#[^)]*)?\)/g;
const ROUTE = /@(Get|Post|Put|Patch|Delete|Controller)\(/;

export interface Citation {
  file: string;
  line: number;
  cited: string;
  /** Where the cited path would be, relative to the repository. */
  candidates: string[];
}

function placeholder(path: string): boolean {
  return /[{}*<>$]/.test(path);
}

/** Every citation of a repository path in one file's text (file: its path from the repository root). */
export function citationsIn(file: string, text: string): Citation[] {
  const citations: Citation[] = [];
  const dir = dirname(file);
  text.split('\n').forEach((content, i) => {
    const line = i + 1;
    if (ROUTE.test(content)) return; // a route's path is a URL, not a file
    for (const match of content.matchAll(PATH)) {
      const cited = match[1];
      if (cited === undefined) continue; // the pattern's group is required
      if (!placeholder(cited)) citations.push({ file, line, cited, candidates: [cited] });
    }
    for (const match of content.matchAll(BARE_MD)) {
      const cited = match[1];
      if (cited === undefined) continue; // the pattern's group is required
      citations.push({ file, line, cited, candidates: [cited, join(dir, cited)] });
    }
    if (file.endsWith('.md')) {
      for (const match of content.matchAll(MD_LINK)) {
        const cited = match[1];
        if (cited === undefined) continue; // the pattern's group is required
        if (/^[a-z]+:/i.test(cited) || placeholder(cited)) continue;
        citations.push({ file, line, cited, candidates: [join(dir, cited)] });
      }
    }
  });
  return citations;
}

function exists(path: string): boolean {
  const full = join(ROOT, path);
  if (existsSync(full)) return true;
  // an import or a command names the compiled .js of a .ts file
  return path.endsWith('.js') && existsSync(full.replace(/\.js$/, '.ts'));
}

export function missing(citations: Citation[]): Citation[] {
  return citations.filter((c) => !c.candidates.some(exists));
}

function filesUnder(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'results' ? [] : filesUnder(child);
    return TEXT.test(entry.name) ? [child] : [];
  });
}

describe('citations of repository files', () => {
  test('the scan finds paths, bare Markdown names and links, and flags the missing ones', () => {
    const found = citationsIn(
      'docs/x.md',
      [
        'see docs/DOMAIN.md, `src/shared/largest-remainder.ts` and [the ADRs](adr/README.md).',
        'imports ../../src/app.js and runs dist/src/main.js; streams meter-{id}; globs src/**/*.ts',
        'and NOPE.md, src/does-not-exist.ts, [gone](adr/0000-gone.md), https://example.org/a.md',
      ].join('\n'),
    );
    expect(found.map((c) => c.cited).sort()).toEqual(['NOPE.md', 'adr/0000-gone.md', 'adr/README.md', 'docs/DOMAIN.md', 'src/does-not-exist.ts', 'src/shared/largest-remainder.ts']);
    expect(
      missing(found)
        .map((c) => c.cited)
        .sort(),
    ).toEqual(['NOPE.md', 'adr/0000-gone.md', 'src/does-not-exist.ts']);
    // a compiled path stands for its source; a route is not a file
    expect(missing(citationsIn('src/x.ts', '// built as src/app.js'))).toEqual([]);
    expect(citationsIn('src/x.ts', "  @Get('assets/chart.umd.min.js')")).toEqual([]);
  });

  test('every file cited in src/, test/, bench/, scripts/, migrations/, docs/ and README.md exists', () => {
    const files = SCANNED.flatMap(filesUnder);
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('docs/DOMAIN.md');
    const citations = files.filter((f) => f !== relative(ROOT, join(ROOT, 'test/docs/citations.spec.ts'))).flatMap((f) => citationsIn(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(citations.length).toBeGreaterThan(50);
    expect(missing(citations).map((c) => `${c.file}:${String(c.line)} cites ${c.cited}`)).toEqual([]);
  });

  test('the design documents are in docs/, where the code cites them', () => {
    for (const doc of ['docs/DOMAIN.md', 'docs/ARCHITECTURE.md', 'docs/API.md', 'docs/adr/README.md']) expect(existsSync(join(ROOT, doc))).toBe(true);
  });
});
