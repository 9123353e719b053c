import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { importGias } from '../../src/features/schools/gias/gias-import';
import { MalformedFileError } from '../../src/features/schools/gias/gias-reader';
import { School } from '../../src/features/schools/school.model';
import { SCHOOL_PLACES_CHANGE_MARK } from '../../src/features/schools/school-places';
import { changeMark } from '../../src/db/change-marks';
import { useTestDatabase } from '../support/database';

useTestDatabase();

const SUBSET = path.join(__dirname, '..', 'fixtures', 'gias', 'gias_subset.csv');
const fromFile = () => createReadStream(SUBSET);
const fromBytes = (bytes: Buffer) => () => Readable.from([bytes]);

async function schoolsSnapshot() {
  return (await School.find().sort({ urn: 1 }).lean()).map(({ urn, name, status, updatedAt }) => ({ urn, name, status, updatedAt }));
}

describe('importing the GIAS establishment file', () => {
  it('creates the open English schools, records closed ones as closed and skips the overseas school', async () => {
    const report = await importGias(fromFile);
    expect(report).toMatchObject({ rowsRead: 7, created: 6, updated: 0, unchanged: 0, closed: 2, failed: 0, failures: [] });
    expect(report.skipped).toEqual([{ reason: 'British school overseas: not in an English local authority', count: 1 }]);

    expect(await School.exists({ urn: '150516' })).toBeNull();
    const closed = await School.findOne({ urn: '100004' }).lean();
    expect(closed).toMatchObject({ name: 'Sherborne Nursery School', status: 'closed', closedOn: new Date(Date.UTC(1992, 7, 31)) });
    const academy = await School.findOne({ urn: '137666' }).lean();
    expect(academy).toMatchObject({ trust: 'THE FIRST FEDERATION TRUST', localAuthority: 'Devon', laCode: '878', phase: 'Primary', pupils: 100, headName: 'Mr Simon Westwood' });
    expect(academy!.location!.latitude).toBeCloseTo(50.585, 2);
    expect(academy!.location!.longitude).toBeCloseTo(-3.633, 2);
    expect(academy!.grid).toEqual({ easting: 284509, northing: 77456 });
    const special = await School.findOne({ urn: '101173' }).lean();
    expect(special!.phase).toBeUndefined();
  });

  it('changes nothing on a second import of the same file, and leaves no sign that schools moved', async () => {
    const before = await schoolsSnapshot();
    const mark = await changeMark(SCHOOL_PLACES_CHANGE_MARK);
    const report = await importGias(fromFile);
    expect(report).toMatchObject({ rowsRead: 7, created: 0, updated: 0, unchanged: 6, closed: 0 });
    expect(await schoolsSnapshot()).toEqual(before);
    expect(await changeMark(SCHOOL_PLACES_CHANGE_MARK)).toBe(mark);
  });

  it('updates a changed school by URN, keeping what the LA added', async () => {
    await School.updateOne({ urn: '100000' }, { $set: { name: 'Old name', priorities: { needs: ['phonics'], notes: 'kept' } } });
    const markBefore = await changeMark(SCHOOL_PLACES_CHANGE_MARK);
    const report = await importGias(fromFile, { laCodes: new Set(['201']) });
    expect(report).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect(report.skipped).toContainEqual({ reason: 'Outside the local authorities chosen for this import', count: 5 });
    const school = await School.findOne({ urn: '100000' }).lean();
    expect(school).toMatchObject({ name: 'The Aldgate School', priorities: { needs: ['phonics'], notes: 'kept' } });
    expect(await changeMark(SCHOOL_PLACES_CHANGE_MARK)).not.toBe(markBefore);
    expect(await School.countDocuments({ urn: '100000' })).toBe(1);
  });

  it('reads ISO-8859-1 names and reports failed rows with their line numbers', async () => {
    const header = 'URN,EstablishmentName,LA (code),LA (name),EstablishmentStatus (code),TypeOfEstablishment (code)';
    const lines = [header, '300001,École Sainte-Thérèse,803,South Gloucestershire,1,1', 'abc,Bad URN School,803,South Gloucestershire,1,1', '300002,Nowhere,803,South Gloucestershire,7,1'];
    const report = await importGias(fromBytes(iconv.encode(lines.join('\r\n'), 'latin1')));
    expect(report).toMatchObject({ rowsRead: 3, created: 1, failed: 2 });
    expect(report.failures).toEqual([
      { line: 3, problem: 'URN "abc" is not a 6-digit number' },
      { line: 4, problem: 'EstablishmentStatus (code) "7" is not 1, 2, 3 or 4' },
    ]);
    expect((await School.findOne({ urn: '300001' }).lean())!.name).toBe('École Sainte-Thérèse');
  });

  describe('refuses a file it cannot read, leaving the schools untouched', () => {
    const broken: [string, Buffer, RegExp][] = [
      ['a file with no URN column', Buffer.from('Name,LA (code)\nA school,803\n'), /no "URN"/],
      ['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]), /binary data/],
      ['an empty file', Buffer.alloc(0), /empty/],
    ];
    it.each(broken)('%s', async (_name, bytes, message) => {
      const before = await schoolsSnapshot();
      await expect(importGias(fromBytes(bytes))).rejects.toThrow(MalformedFileError);
      await expect(importGias(fromBytes(bytes))).rejects.toThrow(message);
      expect(await schoolsSnapshot()).toEqual(before);
    });

    it('a file broken half way through (good rows first)', async () => {
      const good = Buffer.from('URN,EstablishmentName,LA (code),LA (name),EstablishmentStatus (code)\n300009,Fine School,803,X,1\n');
      const bad = Buffer.from('300010,"Unclosed quote,803,X,1\n300011,Also fine,803,X,1\n');
      const before = await schoolsSnapshot();
      await expect(importGias(fromBytes(Buffer.concat([good, bad])))).rejects.toThrow(/not valid CSV/);
      expect(await schoolsSnapshot()).toEqual(before);
    });
  });
});
