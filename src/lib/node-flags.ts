/**
 * The flags `npm start` runs the server with (package.json; the benchmarks start it the same way).
 * --max-semi-space-size=32: a young generation of 32 MB a half instead of 16, so the many short-lived
 * objects of each page (query results, view locals, HTML) are collected less often. Measured with
 * bench:search: the pen portrait 186 → 211 req/s, its app CPU 5.1 → 4.5 ms a request.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32'] as const;
