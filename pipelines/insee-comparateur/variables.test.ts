import { describe, it, expect } from 'vitest';
import { bindHeader, HeaderProblem } from './variables.js';

const HEADER_2022 = 'CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;DECE1318;P18_MEN;NAISD20;DECESD20;P18_LOG;P18_RP;P18_RSECOCC;P18_LOGVAC;P18_RP_PROP;NBMENFISC19;PIMP19;MED19;TP6019;P18_EMPLT;P18_EMPLT_SAL;P13_EMPLT;P18_POP1564;P18_CHOM1564;P18_ACT1564;ETTOT18;ETAZ18;ETBE18;ETFZ18;ETGU18;ETGZ18;ETOQ18;ETTEF118;ETTEFP1018'.split(';');
const HEADER_2025 = 'CODGEO;P22_POP;P16_POP;SUPERF;NAIS1621;DECE1621;P22_MEN;NAISD24;DECESD24;P22_LOG;P22_RP;P22_RSECOCC;P22_LOGVAC;P22_RP_PROP;NBMENFISC21;PIMP21;MED21;TP6021;P22_EMPLT;P22_EMPLT_SAL;P16_EMPLT;P22_POP1564;P22_CHOM1564;P22_ACT1564;ETTOT24;ETAZ24;ETBE24;ETFZ24;ETGU24;ETOQ24;ETTEF124;ETTEFP1024'.split(';');

const byId = (header: string[]) => new Map(bindHeader(header).indicators.map((i) => [i.id, i]));

describe('bindHeader', () => {
  it('binds the 2022 edition by name and reads millésimes from suffixes', () => {
    const b = bindHeader(HEADER_2022);
    const ids = byId(HEADER_2022);
    expect(b.millesimeRP).toBe('2018');
    expect(ids.get('population')).toMatchObject({ variable: 'P18_POP', column: 1, millesime: '2018' });
    expect(ids.get('populationAnterieure')).toMatchObject({ variable: 'P13_POP', millesime: '2013' });
    expect(ids.get('naissancesPeriode')).toMatchObject({ variable: 'NAIS1318', millesime: '2013-2018' });
    expect(ids.get('deces')).toMatchObject({ variable: 'DECESD20', millesime: '2020' });
    expect(ids.get('medianeNiveauVie')).toMatchObject({ variable: 'MED19', millesime: '2019', additif: false });
    expect(ids.get('etablissements10SalariesOuPlus')).toMatchObject({ variable: 'ETTEFP1018', millesime: '2018' });
    expect(ids.get('superficie')?.millesime).toBeNull();
    expect(b.uncatalogued).toEqual([]);
    expect(b.missing).toEqual([]);
  });

  it('binds the 2025 edition, whose columns moved and lost ETGZ', () => {
    const b = bindHeader(HEADER_2025);
    const ids = byId(HEADER_2025);
    expect(b.millesimeRP).toBe('2022');
    expect(ids.get('population')?.variable).toBe('P22_POP');
    expect(ids.get('emploisAnterieurs')?.variable).toBe('P16_EMPLT');
    expect(ids.get('etablissements')?.millesime).toBe('2024');
    expect(b.missing).toEqual(['etablissementsCommerceReparationAuto']);
  });

  it('never relies on position: a shuffled header binds the same variables', () => {
    const shuffled = [...HEADER_2025].reverse();
    const ids = byId(shuffled);
    expect(ids.get('population')).toMatchObject({ variable: 'P22_POP', column: shuffled.indexOf('P22_POP') });
    expect(ids.get('tauxPauvrete')?.variable).toBe('TP6021');
  });

  it('reads the later Filosofi naming MED_SL23 as the median, and keeps unknown columns under their code', () => {
    const header = HEADER_2025.map((h) => (h === 'MED21' ? 'MED_SL23' : h)).concat('P22_POP0014');
    const b = bindHeader(header);
    expect(byId(header).get('medianeNiveauVie')).toMatchObject({ variable: 'MED_SL23', millesime: '2023' });
    expect(b.uncatalogued.map((u) => [u.variable, u.millesime])).toEqual([['P22_POP0014', '2022']]);
  });

  it('rejects a header without CODGEO or without population', () => {
    expect(() => bindHeader(HEADER_2022.slice(1))).toThrow(HeaderProblem);
    expect(() => bindHeader(HEADER_2022.filter((h) => !/_POP$/.test(h)))).toThrow(/population/);
    expect(() => bindHeader([...HEADER_2022, 'P18_POP'])).toThrow(/double/);
  });
});
