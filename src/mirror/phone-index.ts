import type { MirrorPerson, PersonKind } from './types.ts';

export interface PhoneEntry {
  person: MirrorPerson;
  use: string;
}

const KIND_ORDER: Record<PersonKind, number> = {
  caregiver: 0,
  applicant: 1,
  client: 2,
  prospect: 3,
  family: 4,
};

/**
 * 10 digits → everyone holding that number. A plain Map: identify is one hash lookup, well under a
 * millisecond at any agency size (the original scanned every row with a regex, §2.5). A number shared
 * by several people (a client's home line that is also the daughter's) yields several entries; the
 * index never picks one.
 */
export class PhoneIndex {
  private readonly byDigits = new Map<string, PhoneEntry[]>();

  add(person: MirrorPerson): void {
    for (const phone of person.phones) {
      const list = this.byDigits.get(phone.digits) ?? [];
      if (!list.some((e) => e.person === person)) list.push({ person, use: phone.use });
      this.byDigits.set(phone.digits, list);
    }
  }

  /** Active people first, then caregiver, applicant, client, prospect, family; then by name. */
  get(digits: string): PhoneEntry[] {
    const list = this.byDigits.get(digits) ?? [];
    return [...list].sort(
      (a, b) =>
        Number(b.person.active) - Number(a.person.active) ||
        KIND_ORDER[a.person.kind] - KIND_ORDER[b.person.kind] ||
        a.person.name.localeCompare(b.person.name) ||
        a.person.id.localeCompare(b.person.id),
    );
  }

  get size(): number {
    return this.byDigits.size;
  }
}
