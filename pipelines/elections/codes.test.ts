import { describe, it, expect } from 'vitest';
import { circonscriptionCode, communeCode } from './codes.js';

const code = (dep: string, commune: string) => {
  const r = communeCode(dep, commune);
  return r.kind === 'commune' ? r.code : r.kind;
};

describe('communeCode', () => {
  it('pads unpadded département and commune numbers', () => {
    expect(code('1', '2')).toBe('01002');
    expect(code('01', '002')).toBe('01002');
    expect(code('35', '62')).toBe('35062');
    expect(code('2A', '4')).toBe('2A004');
  });

  it('takes full INSEE codes as they are, restoring a lost leading zero', () => {
    expect(code('1', '1053')).toBe('01053');
    expect(code('2A', '2A004')).toBe('2A004');
    expect(code('974', '97411')).toBe('97411');
    expect(code('ZX', '97801')).toBe('97801');
  });

  it('maps the Ministry’s overseas letter codes, Mayotte with its old numbering', () => {
    expect(code('ZA', '110')).toBe('97110');
    expect(code('ZB', '209')).toBe('97209');
    expect(code('ZC', '302')).toBe('97302');
    expect(code('ZD', '416')).toBe('97416');
    expect(code('ZM', '508')).toBe('97608');
    expect(code('ZS', '502')).toBe('97502');
    expect(code('ZX', '801')).toBe('97801');
    expect(code('ZX', '701')).toBe('97701');
    expect(code('ZN', '818')).toBe('98818');
    expect(code('ZP', '14')).toBe('98714');
    expect(code('ZW', '1')).toBe('98601');
  });

  it('keeps the French abroad out of communes', () => {
    expect(communeCode('ZZ', '25')).toEqual({ kind: 'abroad' });
    expect(communeCode('ZZ', 'ZZ01')).toEqual({ kind: 'abroad' });
  });

  it('refuses what it cannot read', () => {
    expect(communeCode('QQ', '12').kind).toBe('invalid');
    expect(communeCode('35', '').kind).toBe('invalid');
    expect(communeCode('35', 'AB12').kind).toBe('invalid');
  });
});

describe('circonscriptionCode', () => {
  it('pads the unpadded 1st-round codes and keeps the others', () => {
    expect(circonscriptionCode('101')).toBe('0101');
    expect(circonscriptionCode('0101')).toBe('0101');
    expect(circonscriptionCode('2A01')).toBe('2A01');
    expect(circonscriptionCode('97401')).toBe('97401');
    expect(circonscriptionCode('ZZ01')).toBe('ZZ01');
    expect(circonscriptionCode('')).toBeNull();
  });
});
