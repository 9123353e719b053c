// Preloaded into the app by bench/app-process.ts (`node --require`): answers the benchmark's requests
// for the app's own memory figures over the IPC channel, and stops the app if the benchmark goes away.
process.on('message', (message) => {
  if (!message || message.type !== 'memory') return;
  if (message.gc && typeof global.gc === 'function') global.gc();
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  process.send({ type: 'memory', id: message.id, rss, heapUsed, heapTotal, external });
});
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
