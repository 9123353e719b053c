import { safeFilename } from '../../src/lib/filenames';

/** Characters that let a name escape its folder, its header or its apparent type. */
const UNSAFE = /[/\\"\p{Cc}\p{Cf}]/u;

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['..\\..\\windows\\win.ini.pdf', 'win.ini.pdf'],
    ['C:\\evil\\"case".pdf', '_case_.pdf'],
    ['a\u0000b.pdf', 'a_b.pdf'],
    ['\u202Efdp.exe', '_fdp.exe.pdf'],
    ['report.pdf.exe', 'report.pdf.exe.pdf'],
    ['evil".pdf; filename="x.exe', 'evil_.pdf_ filename__x.exe.pdf'],
    ['<script>alert(1)</script>.pdf', 'script_.pdf'],
    ['.htaccess', 'htaccess.pdf'],
    ['Zoë’s impact report.PDF', 'Zoë_s impact report.PDF'],
    ['../', 'evidence.pdf'],
    ['', 'evidence.pdf'],
    ['...', 'evidence.pdf'],
  ])('makes %j safe: %j', (original, safe) => {
    expect(safeFilename(original, 'evidence.pdf')).toBe(safe);
  });

  it('keeps the type the content was found to be, and a short name', () => {
    expect(safeFilename('me.jpg', 'photo.jpeg')).toBe('me.jpg');
    expect(safeFilename('me.png', 'photo.jpeg')).toBe('me.png.jpeg');
    const long = safeFilename(`${'x'.repeat(400)}.pdf`, 'evidence.pdf');
    expect(long).toHaveLength(150);
    expect(long.endsWith('.pdf')).toBe(true);
  });

  it('never leaves a character that could break a header, a path or the reading direction', () => {
    const hostile = ['\r\nSet-Cookie: x=1.pdf', 'a\u2066b\u2069.pdf', 'tab\there.pdf', '\u200fname.pdf', 'x/../../y.pdf'];
    for (const name of hostile) expect(safeFilename(name, 'evidence.pdf')).not.toMatch(UNSAFE);
  });
});
