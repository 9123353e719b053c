// Preloaded into the app by bench/app-process.ts (`node --require`): answers the benchmark's requests
// for the app's own memory figures over the IPC channel (after a GC when asked), writes a heap snapshot
// when asked, and stops the app if the benchmark goes away.
const v8 = require('node:v8');

process.on('message', (message) => {
  if (!message) return;
  if (message.type === 'memory') {
    if (message.gc && typeof global.gc === 'function') global.gc();
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    process.send({ type: 'memory', id: message.id, rss, heapUsed, heapTotal, external });
  } else if (message.type === 'heap-snapshot') {
    // Writing a snapshot collects garbage first, so it holds only what is still reachable.
    process.send({ type: 'heap-snapshot', id: message.id, file: v8.writeHeapSnapshot(message.file) });
  }
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
