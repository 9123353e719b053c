// `node --max-old-space-size=8000 --import tsx bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot`:
// what grew between two heap snapshots of one process (e.g. the app's, from bench:load with
// BENCH_HEAP_SNAPSHOT_DIR). Prints
// - the kinds of object (constructor name; or strings, arrays, code…) whose count and self size grew most;
// - where the growth is held: every object new in the second snapshot (V8 keeps object ids across the
//   snapshots of one process), or grown since the first (a Map's table), by the innermost field of a
//   class instance on its shortest path from the GC roots, e.g. `DirectoryService.recentSearches`;
// - for the kinds that grew most, the new objects by that whole path.
import { readFileSync } from 'node:fs';

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
};

type Totals = Map<string, { count: number; size: number }>;

function add(totals: Totals, key: string, size: number): void {
  const total = totals.get(key) ?? { count: 0, size: 0 };
  total.count++;
  total.size += size;
  totals.set(key, total);
}

/** A parsed snapshot: each node's id, self size and kind, and its shortest retainer path from the roots. */
class Heap {
  readonly nodeCount: number;
  private readonly nodeFields: number;
  private readonly edgeFields: number;
  private readonly field: Record<string, number>;
  private readonly edgeField: Record<string, number>;
  private readonly firstEdge: Uint32Array;
  private nearestRetainer: { node: Int32Array; edge: Int32Array } | undefined;

  constructor(private readonly data: Snapshot) {
    const { meta } = data.snapshot;
    this.nodeFields = meta.node_fields.length;
    this.edgeFields = meta.edge_fields.length;
    this.field = Object.fromEntries(meta.node_fields.map((name, i) => [name, i]));
    this.edgeField = Object.fromEntries(meta.edge_fields.map((name, i) => [name, i]));
    this.nodeCount = data.nodes.length / this.nodeFields;
    // A node's edges follow those of the nodes before it.
    this.firstEdge = new Uint32Array(this.nodeCount + 1);
    for (let n = 0, edge = 0; n < this.nodeCount; n++) {
      this.firstEdge[n] = edge;
      edge += this.node(n, 'edge_count') * this.edgeFields;
    }
    this.firstEdge[this.nodeCount] = data.edges.length;
  }

  private node(n: number, field: string): number {
    return this.data.nodes[n * this.nodeFields + this.field[field]!]!;
  }

  private edge(e: number, field: string): number {
    return this.data.edges[e + this.edgeField[field]!]!;
  }

  private type(n: number): string {
    return this.data.snapshot.meta.node_types[0][this.node(n, 'type')]!;
  }

  private name(n: number): string {
    return this.data.strings[this.node(n, 'name')]!;
  }

  id(n: number): number {
    return this.node(n, 'id');
  }

  selfSize(n: number): number {
    return this.node(n, 'self_size');
  }

  /** Objects by constructor name; strings, arrays, closures and V8's own by kind. */
  kind(n: number): string {
    const type = this.type(n);
    const name = this.name(n);
    if (type === 'object' || type === 'native') return name;
    if (type === 'closure') return `(closure ${name || 'anonymous'})`;
    if (type.endsWith('string')) return '(string)';
    if (type === 'hidden' || type === 'array') return `(${[type, name.replace(/\s*\/.*$/, '').slice(0, 40)].filter(Boolean).join(' ')})`;
    return `(${type})`;
  }

  /** Steps like `DirectoryService.recentSearches`, from the roots down to the node (empty if unreachable). */
  retainerPath(n: number): string[] {
    const { node, edge } = this.retainers();
    const steps: string[] = [];
    for (let at = n; node[at]! >= 0; at = node[at]!) steps.unshift(`${this.kind(node[at]!)}${this.edgeLabel(edge[at]!)}`);
    return steps;
  }

  private edgeLabel(e: number): string {
    const type = this.data.snapshot.meta.edge_types[0][this.edge(e, 'type')]!;
    if (type === 'element' || type === 'hidden') return '[]';
    const name = this.data.strings[this.edge(e, 'name_or_index')]!;
    return type === 'context' ? `<context ${name}>` : `.${name}`;
  }

  /** Breadth first from the root over strong edges: each node's retainer nearest the roots. */
  private retainers(): { node: Int32Array; edge: Int32Array } {
    if (this.nearestRetainer) return this.nearestRetainer;
    const node = new Int32Array(this.nodeCount).fill(-1);
    const edge = new Int32Array(this.nodeCount).fill(-1);
    const seen = new Uint8Array(this.nodeCount);
    const queue = new Uint32Array(this.nodeCount);
    const weak = this.data.snapshot.meta.edge_types[0].indexOf('weak');
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    seen[0] = 1;
    while (head < tail) {
      const from = queue[head++]!;
      for (let e = this.firstEdge[from]!; e < this.firstEdge[from + 1]!; e += this.edgeFields) {
        const to = this.edge(e, 'to_node') / this.nodeFields;
        if (seen[to] || this.edge(e, 'type') === weak) continue;
        seen[to] = 1;
        node[to] = from;
        edge[to] = e;
        queue[tail++] = to;
      }
    }
    return (this.nearestRetainer = { node, edge });
  }
}

/** A step `Class.field` of a retainer path: a field of an instance of a named class (not a plain object, array or V8 internal). */
const CLASS_FIELD = /^(?!Object\.|Array\.|Map\.|Set\.|\()[A-Z][\w$]*\.[#\w$]/;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const signed = (n: number, text: string) => (n > 0 ? `+${text}` : text);

function printTotals(title: string, totals: Totals, rows: number): void {
  console.log(`\n${title}`);
  for (const [key, total] of [...totals].sort(([, a], [, b]) => b.size - a.size).slice(0, rows)) {
    console.log(`${String(total.count).padStart(8)} ${kb(total.size).padStart(10)}  ${key}`);
  }
}

function main(): void {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (!beforeFile || !afterFile) throw new Error('usage: bench/heap-diff.ts BEFORE.heapsnapshot AFTER.heapsnapshot');
  const load = (file: string) => new Heap(JSON.parse(readFileSync(file, 'utf8')) as Snapshot);
  const totalsByKind = (heap: Heap) => {
    const totals: Totals = new Map();
    for (let n = 0; n < heap.nodeCount; n++) add(totals, heap.kind(n), heap.selfSize(n));
    return totals;
  };

  const before = load(beforeFile);
  const sizeBefore = new Map<number, number>();
  for (let n = 0; n < before.nodeCount; n++) sizeBefore.set(before.id(n), before.selfSize(n));
  const beforeByKind = totalsByKind(before);
  const after = load(afterFile);
  const afterByKind = totalsByKind(after);

  const sum = (totals: Totals) => [...totals.values()].reduce((all, total) => all + total.size, 0);
  console.log(`self size of all objects: ${kb(sum(beforeByKind))} → ${kb(sum(afterByKind))}\n`);
  const kinds = [...new Set([...beforeByKind.keys(), ...afterByKind.keys()])]
    .map((kind) => {
      const b = beforeByKind.get(kind) ?? { count: 0, size: 0 };
      const a = afterByKind.get(kind) ?? { count: 0, size: 0 };
      return { kind, count: a.count - b.count, size: a.size - b.size, now: a.size };
    })
    .sort((a, b) => b.size - a.size);
  console.log(`${'grew most (self size)'.padEnd(50)} ${'Δ count'.padStart(10)} ${'Δ size'.padStart(10)} ${'now'.padStart(10)}`);
  for (const row of kinds.slice(0, 15).filter((row) => row.size > 0)) {
    console.log(`${row.kind.slice(0, 50).padEnd(50)} ${signed(row.count, String(row.count)).padStart(10)} ${signed(row.size, kb(row.size)).padStart(10)} ${kb(row.now).padStart(10)}`);
  }

  const growingKinds = new Set(kinds.slice(0, 8).filter((row) => row.size > 0).map((row) => row.kind));
  const byHolder: Totals = new Map();
  const byPath: Totals = new Map();
  for (let n = 0; n < after.nodeCount; n++) {
    const previous = sizeBefore.get(after.id(n));
    const growth = after.selfSize(n) - (previous ?? 0);
    if (growth <= 0) continue;
    const path = after.retainerPath(n);
    add(byHolder, path.findLast((step) => CLASS_FIELD.test(step)) ?? '(no class field on the path)', growth);
    const kind = after.kind(n);
    if (previous === undefined && growingKinds.has(kind)) add(byPath, `${kind}  ⇐  ${path.slice(-12).join(' → ')}`, growth);
  }
  printTotals('growth (objects new or grown, KB) by the innermost class field holding it:', byHolder, 15);
  printTotals('new objects of the kinds that grew most, by the last steps of their path from the roots:', byPath, 20);
}

main();
