import fc from 'fast-check';
import t from 'tap';
import { claimId, randomBase36, slugId } from '../../src/domain/ids.ts';

const SLUG = /^[a-z0-9][a-z0-9-]{1,63}$/;
const fixed = (n: number): string => 'abc123xyz0'.slice(0, n);

t.test('slugId folds the text to ASCII and appends 6 random characters', async (t) => {
  t.equal(slugId('Bombing in Kabul', fixed), 'bombing-in-kabul-abc123');
  t.equal(slugId('  Explosión en Bogotá!!  ', fixed), 'explosion-en-bogota-abc123');
  t.equal(slugId('Anschlag in der Straße, Łódź & Ærø', fixed), 'anschlag-in-der-strasse-lodz-aero-abc123');
  t.equal(slugId('ＫＡＢＵＬ ２０２４', fixed), 'kabul-2024-abc123', 'NFKD folds full-width forms');
  t.equal(slugId('--Attack--on--', fixed), 'attack-on-abc123');
});

t.test('slugId falls back when nothing of the text survives', async (t) => {
  t.equal(slugId('', fixed), 'incident-abc123');
  t.equal(slugId('Взрыв в Москве', fixed, 'source'), 'source-abc123');
  t.equal(slugId('!!!', fixed, 'incident'), 'incident-abc123');
});

t.test('slugId keeps at most 40 characters of the text, never ending on a dash', async (t) => {
  const long = slugId('The quick brown fox jumps over the lazy dog near the ministry', fixed);
  t.equal(long, 'the-quick-brown-fox-jumps-over-the-lazy-abc123');
  t.equal(slugId(`${'a'.repeat(39)} bc`, fixed), `${'a'.repeat(39)}-abc123`);
});

t.test('slugId always yields a slug', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.stringMatching(/^[0-9a-z]{6}$/), (text, suffix) => {
      const id = slugId(text, () => suffix);
      return SLUG.test(id) && id.endsWith(`-${suffix}`) && id.length <= 47;
    }),
  );
  t.pass('property held');
});

t.test('claimId is c- and 10 base-36 characters', async (t) => {
  t.equal(claimId(fixed), 'c-abc123xyz0');
  t.match(claimId(randomBase36), /^c-[0-9a-z]{10}$/);
  t.throws(() => claimId(() => 'NOT A SLUG'), 'a random source that breaks the format is caught');
});

t.test('randomBase36 draws n base-36 characters', async (t) => {
  for (const n of [0, 1, 6, 10, 64]) t.match(randomBase36(n), new RegExp(`^[0-9a-z]{${n}}$`));
  const seen = new Set(randomBase36(2000));
  t.equal(seen.size, 36, 'every digit and letter appears in a long draw');
});
