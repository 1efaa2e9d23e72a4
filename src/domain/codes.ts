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
