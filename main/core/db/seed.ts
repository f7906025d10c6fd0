// Built-in demo data, written when the cache is empty and no backend is configured, so the kiosk can run a
// practice interview out of the box. Fixed UUIDs: seeding twice is a no-op, and ids are stable across installs.
import type { InterviewerPersona } from '../../../preload/contract';
import { interviewerPersonaSchema } from '../realtime/persona';
import type { KioskDatabase } from './database';

/** Checked like a pulled persona: a mistake here fails at start-up, not in an interview. */
const persona = (p: unknown): InterviewerPersona => interviewerPersonaSchema.parse(p);

export const DEMO_TENANT = {
  id: '00000000-0000-4000-8000-00000000d000',
  name: 'Northwind Robotics (demo)',
  values: 'Curiosity, ownership, candour, and care for the people who use what we build.',
};

export const DEMO_POSITIONS = [
  {
    id: '00000000-0000-4000-8000-00000000a001',
    title: 'Senior Backend Engineer',
    description: 'Designs and runs the services behind our fleet of warehouse robots.',
    competencies: ['System design', 'Reliability and incident response', 'Mentoring', 'Clear written communication'],
    language: 'en',
    persona: persona({
      name: 'Ada',
      voice: 'cedar',
      formality: 'neutral',
      intro: 'I will ask about how you design and run services, and there are no trick questions.',
      outro: 'Thank you for your time today. The hiring team at Northwind will be in touch within a week.',
      pronunciation: [{ term: 'Northwind', sayAs: 'NORTH-wind' }, { term: 'Kubernetes', sayAs: 'koo-ber-NET-eez' }],
    }),
  },
  {
    id: '00000000-0000-4000-8000-00000000a002',
    title: 'Customer Support Lead',
    description: 'Leads the team that keeps our customers\u2019 robots running.',
    competencies: ['Empathy under pressure', 'Team leadership', 'Root-cause analysis', 'Process improvement'],
    language: 'en',
    persona: persona({
      name: 'Sam',
      voice: 'marin',
      formality: 'casual',
      intro: 'We will talk about times you helped customers and your team; take your time with each answer.',
      outro: 'Thanks so much for chatting with me. You will hear from our support team soon.',
      pronunciation: [{ term: 'Northwind', sayAs: 'NORTH-wind' }],
    }),
  },
  {
    id: '00000000-0000-4000-8000-00000000a003',
    title: 'Product Designer',
    description: 'Shapes the operator console used on warehouse floors.',
    competencies: ['User research', 'Interaction design', 'Accessibility', 'Working with engineers'],
    language: null,
    persona: persona({
      name: 'Mira',
      voice: 'coral',
      formality: 'formal',
      intro: 'I will ask about your design process and how you work with research and engineering.',
      outro: 'Thank you for speaking with me. The design team will review this interview and contact you.',
      pronunciation: [{ term: 'Northwind', sayAs: 'NORTH-wind' }, { term: 'WCAG', sayAs: 'WUH-cag' }],
    }),
  },
];

export const DEMO_CANDIDATES = [
  { id: '00000000-0000-4000-8000-00000000c001', name: 'Alex Morgan', email: 'alex.morgan@example.com' },
  { id: '00000000-0000-4000-8000-00000000c002', name: 'Priya Raman', email: 'priya.raman@example.com' },
  { id: '00000000-0000-4000-8000-00000000c003', name: 'Samuel Okafor', email: null },
  { id: '00000000-0000-4000-8000-00000000c004', name: 'Lena Fischer', email: 'lena.fischer@example.com' },
];

/** Seeds the demo tenant, positions and candidates if the database has no tenant. Returns whether it did. */
export function seedDemoData(db: KioskDatabase): boolean {
  return db.transaction(() => {
    const { n } = db.prepare('SELECT count(*) AS n FROM tenants').get() as { n: number };
    if (n > 0) return false;
    const at = new Date().toISOString();
    db.prepare('INSERT INTO tenants (id, name, company_values, demo, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)').run(
      DEMO_TENANT.id, DEMO_TENANT.name, DEMO_TENANT.values, at, at);
    const pos = db.prepare('INSERT INTO positions (id, tenant_id, title, description, competencies, language, persona, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const p of DEMO_POSITIONS) pos.run(p.id, DEMO_TENANT.id, p.title, p.description, JSON.stringify(p.competencies), p.language, JSON.stringify(p.persona), at, at);
    const cand = db.prepare('INSERT INTO candidates (id, tenant_id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    for (const c of DEMO_CANDIDATES) cand.run(c.id, DEMO_TENANT.id, c.name, c.email, at, at);
    return true;
  })();
}
