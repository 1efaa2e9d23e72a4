import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLayout, LayoutProblem } from './layout.js';

const SUBCOM = 'Code du département;Libellé du département;Code de la commune;Libellé de la commune;Etat saisie;Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot;N°Panneau;Sexe;Nom;Prénom;Voix;% Voix/Ins;% Voix/Exp'.split(';');
/** A data row of n fields (the last one filled unless said). */
const row = (n: number, last = '0') => [...Array.from({ length: n - 1 }, () => '1'), last];
const firstLine = (file: string) => readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8').split('\n')[0].split(';').map((h) => h.replace(/^"|"$/g, ''));

describe('readLayout, présidentielle 2022 subcom', () => {
  it('counts candidate blocks from the data rows, the header naming only the first', () => {
    const t1 = readLayout(SUBCOM, row(103));
    expect(t1.family).toBe('subcom');
    expect(t1.blocks).toHaveLength(12);
    expect(t1.blocks[0].columns).toMatchObject({ panneau: 19, nom: 21, voix: 23 });
    expect(t1.blocks[11].columns.voix).toBe(19 + 11 * 7 + 4);
    expect(t1.columnNames[19 + 11 * 7 + 4]).toBe('Voix (bloc 12)');
    expect(readLayout(SUBCOM, row(33)).blocks).toHaveLength(2);
  });

  it('finds blocks by the N°Panneau name, not a constant (2017 re-export without Etat saisie)', () => {
    const header = SUBCOM.filter((h) => h !== 'Etat saisie');
    const layout = readLayout(header, row(18 + 11 * 7));
    expect(layout.blocks).toHaveLength(11);
    expect(layout.blocks[0].columns.panneau).toBe(18);
    expect(layout.fixed.inscrits).toBe(4);
  });

  it('tolerates one empty trailing field (rows ending with a separator)', () => {
    const layout = readLayout(SUBCOM, row(104, ''));
    expect(layout.blocks).toHaveLength(12);
    expect(layout.columnCount).toBe(104);
  });

  it('rejects rows that are not a whole number of blocks, and unknown columns', () => {
    expect(() => readLayout(SUBCOM, row(104, 'x'))).toThrow(LayoutProblem);
    expect(() => readLayout(SUBCOM.map((h) => (h === 'Abstentions' ? 'Abstention' : h)), row(103))).toThrow(/Abstention/);
    expect(() => readLayout(SUBCOM.filter((h) => h !== 'Votants'), row(102))).toThrow(/Votants/);
  });
});

describe('readLayout, 2024 wide files', () => {
  it('reads the 38 lists × 8 columns of the européennes', () => {
    const layout = readLayout(firstLine('europeennes-2024-par-commune.csv'), undefined);
    expect(layout).toMatchObject({ family: 'wide', kind: 'communes', columnCount: 18 + 38 * 8 });
    expect(layout.blocks).toHaveLength(38);
    expect(Object.keys(layout.blocks[37].columns).sort()).toEqual(['liste', 'listeAbregee', 'nuance', 'panneau', 'pctExprimes', 'pctInscrits', 'sieges', 'voix']);
  });

  it('reads the 9 columns per candidate of the législatives, and recognises the per-circonscription file', () => {
    const communes = readLayout(firstLine('legislatives-2024-t2-par-commune.csv'), undefined);
    expect(communes.blocks).toHaveLength(4);
    expect(Object.keys(communes.blocks[0].columns)).toHaveLength(9);
    expect(communes.blocks[0].columns.elu).toBe(18 + 8);
    const circos = readLayout(firstLine('legislatives-2024-t2-par-circonscription.csv'), undefined);
    expect(circos.kind).toBe('circonscriptions');
    expect(circos.fixed.circo).toBe(2);
  });

  it('accepts a bureau-de-vote column, and refuses drift', () => {
    const header = firstLine('legislatives-2024-t2-par-commune.csv');
    const withBureau = [...header.slice(0, 4), 'Code BV', ...header.slice(4)];
    expect(readLayout(withBureau, undefined).fixed.bureau).toBe(4);
    expect(() => readLayout([...header, 'Voix 5'], undefined)).toThrow(/bloc 5|mêmes colonnes/);
    expect(() => readLayout(header.map((h) => (h === 'Voix 2' ? 'Votes 2' : h)), undefined)).toThrow(/Votes 2/);
    expect(() => readLayout(header, row(header.length + 3))).toThrow(LayoutProblem);
  });
});
