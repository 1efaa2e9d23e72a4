/**
 * The COG of one release, in memory: current communes, arrondissements
 * municipaux, communes déléguées/associées, EPCI, départements, régions, and
 * the history of code changes. Loaded once per release (≈ 40,000 small rows)
 * so that resolution and re-keying are O(1) map look-ups.
 */
export type CommuneType = 'commune-actuelle' | 'commune-deleguee' | 'commune-associee' | 'arrondissement-municipal';

export interface CommuneEntry {
  code: string;
  nom: string;
  type: CommuneType;
  departement: string;
  region: string;
  /** SIREN of the EPCI à fiscalité propre (current communes only). */
  epci?: string;
  siren?: string;
  codesPostaux: string[];
  population?: number;
  zone?: string;
  /** Current commune this one belongs to: chef-lieu of a déléguée/associée, parent of an arrondissement. */
  parent?: string;
}

/** One INSEE change event: `ancienCode` became (part of) `nouveauCode`. */
export interface HistoryEvent {
  ancienCode: string;
  ancienNom: string;
  nouveauCode: string;
  nouveauNom: string;
  /** ISO date of effect, absent when the source only says that the code is a former one. */
  date?: string;
  /** INSEE MOD code (31 fusion simple, 32 commune nouvelle, 21 rétablissement…). */
  mod?: number;
}

export interface EpciEntry { code: string; nom: string; type: string; membres: string[]; population?: number }
export interface DepartementEntry { code: string; nom: string; region: string; chefLieu?: string; zone?: string }
export interface RegionEntry { code: string; nom: string; chefLieu?: string; zone?: string }

export interface ReferentialData {
  millesime: string;
  communes: CommuneEntry[];
  history: HistoryEvent[];
  epci: EpciEntry[];
  departements: DepartementEntry[];
  regions: RegionEntry[];
}

export type Resolution =
  | { kind: 'current'; commune: CommuneEntry }
  | { kind: 'redirect'; from: { code: string; nom: string; type: string }; to: CommuneEntry; date?: string; mod?: number }
  | { kind: 'split'; from: { code: string; nom: string }; to: CommuneEntry[]; date?: string }
  | { kind: 'unknown' };

export const MOD_LABELS: Record<number, string> = {
  10: 'changement de nom',
  20: 'création',
  21: 'rétablissement',
  30: 'suppression',
  31: 'fusion simple',
  32: 'création de commune nouvelle',
  33: 'fusion-association',
  34: 'transformation de fusion-association en fusion simple',
  35: 'suppression de commune déléguée',
  41: 'changement de code dû à un changement de département',
  50: 'changement de code dû à un transfert de chef-lieu',
  70: 'transformation de commune associée en commune déléguée',
  71: 'rétablissement de commune déléguée',
};

export class Referential {
  readonly millesime: string;
  private readonly current = new Map<string, CommuneEntry>();
  /** Communes déléguées/associées by code; a code may be both a current commune and a déléguée. */
  private readonly attached = new Map<string, CommuneEntry>();
  private readonly children = new Map<string, string[]>();
  private readonly successors = new Map<string, HistoryEvent[]>();
  private readonly predecessors = new Map<string, HistoryEvent[]>();
  readonly epci = new Map<string, EpciEntry>();
  readonly departements = new Map<string, DepartementEntry>();
  readonly regions = new Map<string, RegionEntry>();

  constructor(readonly data: ReferentialData) {
    this.millesime = data.millesime;
    for (const c of data.communes) {
      if (c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal') this.current.set(c.code, c);
      else if (!this.attached.has(c.code)) this.attached.set(c.code, c);
      if (c.type === 'arrondissement-municipal' && c.parent) {
        const list = this.children.get(c.parent) ?? [];
        list.push(c.code);
        this.children.set(c.parent, list);
      }
    }
    for (const e of data.history) {
      if (e.ancienCode === e.nouveauCode) continue;
      const list = this.successors.get(e.ancienCode) ?? [];
      if (list.some((x) => x.nouveauCode === e.nouveauCode)) continue;
      list.push(e);
      this.successors.set(e.ancienCode, list);
      const back = this.predecessors.get(e.nouveauCode) ?? [];
      back.push(e);
      this.predecessors.set(e.nouveauCode, back);
    }
    for (const e of data.epci) this.epci.set(e.code, e);
    for (const d of data.departements) this.departements.set(d.code, d);
    for (const r of data.regions) this.regions.set(r.code, r);
  }

  /** A current commune or an arrondissement municipal. */
  commune(code: string): CommuneEntry | undefined {
    return this.current.get(code);
  }

  /** Current communes (without arrondissements municipaux). */
  *communes(): Iterable<CommuneEntry> {
    for (const c of this.current.values()) if (c.type === 'commune-actuelle') yield c;
  }

  /** Current communes and arrondissements municipaux. */
  *communesAndArrondissements(): Iterable<CommuneEntry> {
    yield* this.current.values();
  }

  get size(): number {
    let n = 0;
    for (const _ of this.communes()) n++;
    return n;
  }

  /** Paris, Lyon, Marseille for one of their arrondissements. */
  plmParent(code: string): string | undefined {
    const c = this.current.get(code);
    return c?.type === 'arrondissement-municipal' ? c.parent : undefined;
  }

  arrondissementsOf(code: string): string[] {
    return this.children.get(code) ?? [];
  }

  /**
   * Today's communes that a code stands for. A current code stands for itself;
   * a déléguée/associée for its chef-lieu; a retired code for the current
   * communes reached through the change history (several when it was split).
   */
  currentCodes(code: string): { codes: string[]; date?: string; mod?: number } {
    if (this.current.has(code)) return { codes: [code] };
    const attached = this.attached.get(code);
    const dated = this.successors.get(code)?.find((e) => e.date);
    if (attached?.parent && this.current.has(attached.parent)) {
      const event = this.successors.get(code)?.find((e) => e.nouveauCode === attached.parent);
      return { codes: [attached.parent], date: event?.date ?? dated?.date, mod: event?.mod ?? dated?.mod };
    }
    const found = new Set<string>();
    let date: string | undefined;
    let mod: number | undefined;
    const seen = new Set<string>([code]);
    const queue = [code];
    while (queue.length) {
      const at = queue.shift()!;
      for (const e of this.successors.get(at) ?? []) {
        if (at === code && !date) {
          date = e.date;
          mod = e.mod;
        }
        if (this.current.has(e.nouveauCode)) found.add(e.nouveauCode);
        else if (!seen.has(e.nouveauCode)) {
          seen.add(e.nouveauCode);
          queue.push(e.nouveauCode);
        }
      }
    }
    return { codes: [...found].sort(), date, mod };
  }

  resolve(code: string): Resolution {
    const current = this.current.get(code);
    if (current) return { kind: 'current', commune: current };
    const { codes, date, mod } = this.currentCodes(code);
    if (codes.length === 0) return { kind: 'unknown' };
    const attached = this.attached.get(code);
    const nom = attached?.nom ?? this.successors.get(code)?.[0]?.ancienNom ?? code;
    const targets = codes.map((c) => this.current.get(c)!);
    if (targets.length === 1) {
      return { kind: 'redirect', from: { code, nom, type: attached?.type ?? 'ancienne-commune' }, to: targets[0], date, mod };
    }
    return { kind: 'split', from: { code, nom }, to: targets, date };
  }

  /** Former codes (and their names) that now point to a current commune, for the pack's provenance. */
  formerCodesOf(code: string): HistoryEvent[] {
    return this.predecessors.get(code) ?? [];
  }
}
