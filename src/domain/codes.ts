/** Shapes of the codes the API accepts, with the reason a code is refused. */
export const COMMUNE_CODE = /^(\d{5}|2[AB]\d{3})$/;

export function communeCodeProblem(code: string): string | undefined {
  if (COMMUNE_CODE.test(code)) return undefined;
  if (/^\d{1,4}$/.test(code)) return `« ${code} » : un code commune INSEE a 5 caractères (ex. 01001, pas 1001)`;
  if (/^2[^AB\d]\d{3}$/i.test(code)) return `« ${code} » : la Corse s'écrit 2A ou 2B (ex. 2A004)`;
  if (/^2[ab]\d{3}$/.test(code)) return `« ${code} » : la Corse s'écrit en majuscules (2A, 2B)`;
  return `« ${code} » n'est pas un code commune INSEE (5 caractères : chiffres, ou 2A/2B suivi de 3 chiffres)`;
}

export const DEPARTEMENT_CODE = /^(\d{2}|2[AB]|97[1-8]|98[4-9])$/;
export const REGION_CODE = /^\d{2}$/;
export const SIREN = /^\d{9}$/;

/**
 * A commune code as a producer wrote it, brought to the COG's 5-character form:
 * `5001` → `05001` (all-digit codes that lost their zero in a spreadsheet),
 * `2a004` → `2A004`, `="01053"` → `01053`; undefined when it cannot be one.
 */
export function normaliseCommuneCode(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let s = String(typeof value === 'number' ? Math.trunc(value) : value).trim().toUpperCase();
  s = s.replace(/^="?|"$/g, '');
  if (/^\d{4}$/.test(s)) s = `0${s}`;
  return COMMUNE_CODE.test(s) ? s : undefined;
}

/** Département of a commune code as the COG spells it (`2A`, three characters overseas). */
export function departementOf(code: string): string {
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}
