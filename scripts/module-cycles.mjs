// Cycles between modules: reads dependency-cruiser's JSON (stdin), collapses files to their
// module (src/<folder>; a file directly under src/ is its own module), and fails on every
// cycle not listed in scripts/module-cycles.known.json (today's, to be removed by issue 18's
// reshaping). Run by `npm run lint:deps`; docs/ARCHITECTURE.md shows the module graph.
import { readFileSync } from 'node:fs';

const moduleOf = (path) => {
  const match = /^src\/([^/]+)\//.exec(path);
  if (match) return match[1];
  return /^src\/[^/]+$/.test(path) ? path.slice('src/'.length) : null;
};

const result = JSON.parse(readFileSync(0, 'utf8'));
const edges = new Map(); // module → modules it imports, with one file-level example each
for (const file of result.modules) {
  const from = moduleOf(file.source);
  if (!from) continue;
  for (const dependency of file.dependencies) {
    const to = moduleOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${file.source} → ${dependency.resolved}`);
  }
}

// strongly connected components (Tarjan): a component of more than one module is a cycle
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const components = [];
let counter = 0;
const visit = (v) => {
  index.set(v, counter);
  low.set(v, counter++);
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v)?.keys() ?? []) {
    if (!index.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
  }
  if (low.get(v) === index.get(v)) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) components.push(component.sort());
  }
};
for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);

// the module edges inside each component: each is part of a cycle
const cyclic = [];
for (const component of components) {
  const members = new Set(component);
  for (const from of component) for (const [to, example] of edges.get(from) ?? []) if (members.has(to)) cyclic.push({ edge: `${from} → ${to}`, example });
}
const known = new Set(JSON.parse(readFileSync(new URL('./module-cycles.known.json', import.meta.url), 'utf8')).edges);
const unknown = cyclic.filter((c) => !known.has(c.edge));
const gone = [...known].filter((edge) => !cyclic.some((c) => c.edge === edge));
for (const c of cyclic) console.log(`${known.has(c.edge) ? 'known' : 'ERROR'} module cycle edge ${c.edge}  (${c.example})`);
for (const edge of gone) console.log(`note: ${edge} is no longer in a cycle: remove it from scripts/module-cycles.known.json`);
console.log(`${components.length} module cycle(s) over ${cyclic.length} edge(s); ${unknown.length} not known`);
process.exit(unknown.length > 0 ? 1 : 0);
