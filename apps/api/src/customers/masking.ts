import type { PersonalData } from '@app/platform';

const keep = (s: string, head: number, tail: number) => (s.length <= head + tail ? '*'.repeat(s.length) : `${s.slice(0, head)}${'*'.repeat(s.length - head - tail)}${s.slice(s.length - tail)}`);

/** Personal data as analysts see it: enough to tell records apart, not enough to identify anyone. */
export function masked(p: PersonalData): PersonalData {
  return {
    name: keep(p.name, 1, 0),
    ...(p.phone ? { phone: keep(p.phone, 3, 4) } : {}),
    ...(p.email ? { email: p.email.replace(/^(.)[^@]*/, '$1***') } : {}),
    ...(p.idNumber ? { idNumber: keep(p.idNumber, 4, 2) } : {}),
    ...(p.address ? { address: keep(p.address, 3, 0) } : {}),
  };
}
