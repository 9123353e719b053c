import express, { Router } from 'express';
import request from 'supertest';
import { enterByFirstSegment, firstSegmentsOf } from '../../src/web/enter-by-first-segment';

const ok = (text: string) => (_req: express.Request, res: express.Response) => res.send(text);

describe('entering a feature router by the first segment of the path', () => {
  it('reads the first segments of every route and middleware path', () => {
    const router = Router();
    router.use('/directory', (_req, _res, next) => next());
    router.get('/directory/suggest', ok('suggest'));
    router.post('/Listings/:id/edit', ok('edit'));
    router.get(['/help', '/help/cookies'], ok('help'));
    router.get('/', ok('home'));
    expect(firstSegmentsOf(router)).toEqual(new Set(['directory', 'listings', 'help', '']));
  });

  it('is entered by every request when a layer could match any path', () => {
    const everyPath = Router();
    everyPath.use((_req, _res, next) => next());
    expect(firstSegmentsOf(everyPath)).toBeNull();
    const parameterFirst = Router();
    parameterFirst.get('/:page', ok('page'));
    expect(firstSegmentsOf(parameterFirst)).toBeNull();
    const pattern = Router();
    pattern.get(/^\/reports/, ok('reports'));
    expect(firstSegmentsOf(pattern)).toBeNull();
    const wildcard = Router();
    wildcard.get('/*rest', ok('rest'));
    expect(firstSegmentsOf(wildcard)).toBeNull();
  });

  it('answers as the router would, in any case, and passes other paths on untouched', async () => {
    const router = Router();
    router.get('/help', ok('help'));
    router.get('/help/:topic', (req, res) => res.send(`topic ${req.params.topic}`));
    router.get('/', ok('home'));
    const entered: string[] = [];
    const app = express();
    app.use((req, _res, next) => {
      entered.push(req.path);
      next();
    });
    app.use(enterByFirstSegment(router));
    app.use((_req, res) => res.status(404).send('not here'));

    expect((await request(app).get('/help')).text).toBe('help');
    expect((await request(app).get('/HELP/')).text).toBe('help');
    expect((await request(app).get('/help/cookies?x=1')).text).toBe('topic cookies');
    expect((await request(app).get('/')).text).toBe('home');
    const other = await request(app).get('/helpful');
    expect([other.status, other.text]).toEqual([404, 'not here']);
    expect(entered).toEqual(['/help', '/HELP/', '/help/cookies', '/', '/helpful']);
  });

  it('skips the router itself for other paths, so its middleware never runs for them', async () => {
    const router = Router();
    let ran = 0;
    router.use('/admin', (_req, _res, next) => {
      ran += 1;
      next();
    });
    router.get('/admin', ok('admin'));
    const gate = enterByFirstSegment(router);
    expect(gate.segments).toEqual(new Set(['admin']));
    const app = express().use(gate).use((_req, res) => res.send('elsewhere'));
    expect((await request(app).get('/directory')).text).toBe('elsewhere');
    expect(ran).toBe(0);
    expect((await request(app).get('/admin')).text).toBe('admin');
    expect(ran).toBe(1);
  });
});
