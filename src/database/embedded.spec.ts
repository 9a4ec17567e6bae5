import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureReachableByPostgresUser } from './embedded.js';

// As root, PostgreSQL runs as 'postgres' and must enter the project; as anyone else nothing changes.
const root = process.getuid?.() === 0;
const searchable = (dir: string) => (statSync(dir).mode & 0o001) !== 0;

test('a project directory of mode 0700 gets the search bit for others when started as root, and only then', () => {
  const project = mkdtempSync(join(tmpdir(), 'reach-')); // mode 0700, as mktemp -d makes it
  try {
    expect(searchable(project)).toBe(false);
    ensureReachableByPostgresUser(project);
    expect(searchable(project)).toBe(root);
    expect(statSync(project).mode & 0o006).toBe(0); // never readable or writable by others
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test('a closed directory above the project is named, not changed', () => {
  const above = mkdtempSync(join(tmpdir(), 'reach-above-'));
  const project = join(above, 'project');
  mkdirSync(project);
  chmodSync(project, 0o755);
  try {
    if (root) expect(() => ensureReachableByPostgresUser(project)).toThrow(new RegExp(`cannot enter ${above}: run as another user, move the project, or set DATABASE_URL`));
    else expect(() => ensureReachableByPostgresUser(project)).not.toThrow();
    expect(searchable(above)).toBe(false);
  } finally {
    rmSync(above, { recursive: true, force: true });
  }
});
