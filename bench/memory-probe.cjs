// Preloaded into the app by bench/app-process.ts (`node --require`): answers the benchmark's requests
// for the app's own memory figures over the IPC channel (after a GC when asked), writes a heap snapshot
// when asked, counts each page's database commands and the time it waited for them (asked for as
// 'database'), measures how late the event loop runs ('event-loop'), asks FerretDB to explain one command
// of each shape it was sent ('query-plans': which of them read a whole collection), and stops the app if
// the benchmark goes away.
const v8 = require('node:v8');
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const { monitorEventLoopDelay } = require('node:perf_hooks');

// A loop late by seconds also makes the driver's heartbeat time out (db/connect.ts: DATABASE_TIMEOUTS).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

/** Per page (method and path, ids as :id): requests, database commands, ms waiting for them, and commands by kind. */
const pages = new Map();
const pageNames = new WeakMap();
const currentPage = new AsyncLocalStorage();
const pageOf = (req) => `${req.method} ${(req.url ?? '').split('?')[0].replace(/[0-9a-f]{24}/g, ':id').replace(/\/\d+(?=\/|$)/g, '/:n')}`;

// Counting commands by page costs the app CPU of its own (AsyncLocalStorage follows every promise, and every
// command is wrapped): BENCH_COMMANDS=0 measures the app without it, and the benchmark then prints neither.
const COUNT_COMMANDS = process.env.BENCH_COMMANDS !== '0';

const emit = http.Server.prototype.emit;
if (COUNT_COMMANDS) http.Server.prototype.emit = function (event, req) {
  if (event !== 'request') return emit.apply(this, arguments);
  const name = pageOf(req);
  const page = pages.get(name) ?? { requests: 0, commands: 0, ms: 0, kinds: {} };
  pages.set(name, page);
  pageNames.set(page, name);
  page.requests++;
  return currentPage.run(page, () => emit.apply(this, arguments));
};

/** One command of each shape (kind, filter fields and operators, sort), with how often pages sent that shape. */
const shapes = new Map();
const shapeOf = (value) => {
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (value && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]));
  }
  return value?._bsontype ?? typeof value;
};
const EXPLAINABLE = new Set(['find', 'aggregate', 'count']);
/**
 * FerretDB explains reads only; a write finds its documents with its filter as a read does, so it is
 * explained as that read (the first statement of an update or delete).
 */
const READ_OF_WRITE = {
  findAndModify: (cmd) => cmd.query,
  update: (cmd) => cmd.updates?.[0]?.q,
  delete: (cmd) => cmd.deletes?.[0]?.q,
};
function noteShape(name, cmd, page) {
  const readOf = READ_OF_WRITE[name];
  if (readOf) {
    const filter = readOf(cmd);
    if (filter) noteRead(`${name} as find`, { find: cmd[name], filter }, page);
    return;
  }
  if (EXPLAINABLE.has(name)) noteRead(name, cmd, page);
}
function noteRead(name, cmd, page) {
  const sort = cmd.sort instanceof Map ? Object.fromEntries(cmd.sort) : cmd.sort;
  const kind = Object.keys(cmd)[0];
  const key = JSON.stringify([name, cmd[kind], shapeOf(cmd.filter ?? cmd.query ?? cmd.pipeline), sort ?? null]);
  const known = shapes.get(key);
  if (known) {
    known.count++;
    known.pages.add(pageNames.get(page));
  } else shapes.set(key, { count: 1, pages: new Set([pageNames.get(page)]), command: { ...cmd, lsid: undefined, $clusterTime: undefined, $db: undefined } });
}

/**
 * FerretDB's explain of each shape: SQLite's plan for the read it makes (a SCAN of the table reads every
 * document, for the handler to filter; a SEARCH uses an index) and whether the sort was done in SQL.
 */
async function queryPlans() {
  const mongoose = require(require.resolve('mongoose', { paths: [process.cwd(), __dirname] }));
  const plans = [];
  for (const [shape, { count, pages: sentBy, command }] of shapes) {
    const cmd = Object.fromEntries(Object.entries(command).filter(([, value]) => value !== undefined));
    try {
      const explained = await mongoose.connection.db.command({ explain: cmd, verbosity: 'queryPlanner' });
      const steps = explained.queryPlanner?.Plan ?? [];
      const msAlone = await timeAlone(mongoose.connection.db, cmd);
      // A SCAN USING INDEX under a limit our build pushed down (patches/04-*) reads only what it returns.
      const readsAll = (step) => /detail=SCAN /.test(step) && !(/USING (COVERING )?INDEX/.test(step) && explained.limitPushdown);
      plans.push({ shape, count, pages: [...sentBy], scans: steps.some(readsAll), plan: steps.map((step) => step.replace(/^.*detail=/, '')).join('; '), sortPushdown: explained.sortPushdown ?? null, msAlone });
    } catch (error) {
      plans.push({ shape, count, pages: [...sentBy], error: String(error.message ?? error) });
    }
  }
  return plans.sort((a, b) => b.count - a.count);
}

/**
 * How long one command of a shape takes with nothing else running (the median of 5, after the load):
 * multiplied by how often pages sent it, the shapes worth making cheaper. Finds are read in one batch.
 */
async function timeAlone(db, cmd) {
  const single = cmd.find ? { ...cmd, singleBatch: true, batchSize: 100000 } : cmd;
  const times = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    await db.command(single);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2];
}

// Every command the driver sends goes through Connection.command (mongodb 6).
const { Connection } = require(require.resolve('mongodb/lib/cmap/connection', { paths: [process.cwd(), __dirname] }));
const command = Connection.prototype.command;
if (COUNT_COMMANDS) Connection.prototype.command = async function (ns, cmd) {
  const page = currentPage.getStore();
  if (!page) return command.apply(this, arguments);
  const started = performance.now();
  try {
    return await command.apply(this, arguments);
  } finally {
    const name = Object.keys(cmd)[0];
    const kind = `${name} ${String(cmd[name])}`;
    page.commands++;
    page.ms += performance.now() - started;
    page.kinds[kind] = (page.kinds[kind] ?? 0) + 1;
    noteShape(name, cmd, page);
  }
};

process.on('message', (message) => {
  if (!message) return;
  if (message.type === 'memory') {
    if (message.gc && typeof global.gc === 'function') global.gc();
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    process.send({ type: 'memory', id: message.id, rss, heapUsed, heapTotal, external });
  } else if (message.type === 'database') {
    process.send({ type: 'database', id: message.id, pages: Object.fromEntries(pages) });
  } else if (message.type === 'event-loop') {
    const ms = (ns) => Math.round(ns / 1e6);
    process.send({ type: 'event-loop', id: message.id, p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) });
  } else if (message.type === 'query-plans') {
    void queryPlans().then((plans) => process.send({ type: 'query-plans', id: message.id, plans }));
  } else if (message.type === 'heap-snapshot') {
    // Writing a snapshot collects garbage first, so it holds only what is still reachable.
    process.send({ type: 'heap-snapshot', id: message.id, file: v8.writeHeapSnapshot(message.file) });
  }
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
