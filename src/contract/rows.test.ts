import { describe, expect, it } from 'vitest';
import type { FieldSchema } from './dataset.js';
import { rowValues, servedFields } from './rows.js';

const FIELDS: FieldSchema[] = [
  { name: 'typequ', type: 'string', aggregation: 'key', categories: [{ value: 'D265', label: 'Médecin généraliste' }, { value: 'D307', label: 'Pharmacie' }] },
  { name: 'nombre', type: 'integer', aggregation: 'sum' },
];

describe('served rows', () => {
  it('puts a label column after each code field with categories, and only there', () => {
    expect(servedFields(FIELDS).map((f) => f.name)).toEqual(['typequ', 'typequ_libelle', 'nombre']);
    expect(servedFields([FIELDS[1]])).toEqual([FIELDS[1]]);
  });

  it('fills the labels from the categories, from objects and from positional rows alike; an unknown code has none', () => {
    const names = servedFields(FIELDS).map((f) => f.name);
    const expected = [['D307', 'Pharmacie', 2], ['D265', 'Médecin généraliste', 5], ['X999', null, 1]];
    expect(rowValues(FIELDS, names, [{ typequ: 'D307', nombre: 2 }, { typequ: 'D265', nombre: 5 }, { typequ: 'X999', nombre: 1 }])).toEqual(expected);
    expect(rowValues(FIELDS, names, [['D307', 2], ['D265', 5], ['X999', 1]])).toEqual(expected);
  });
});
