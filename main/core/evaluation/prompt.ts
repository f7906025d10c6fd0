// What the model is asked: the rubric, the rules (content only; no emotion, tone, voice or personality
// inference, which the EU AI Act Art. 5(1)(f) prohibits in the workplace and in recruitment), the competencies and the
// numbered transcript. Pure.
import type { Rubric } from './rubric';
import type { TranscriptLine } from './verify';

export function evaluationInstructions(rubric: Rubric): string {
  const levels = rubric.levels.map((l) => `  ${l.level} — ${l.label}: ${l.anchor}`).join('\n');
  return [
    'You assess a job interview transcript against the position\'s competencies. Your assessment is advice for a human',
    'reviewer, who decides; write it so they can check every claim.',
    '',
    `Rubric (version ${rubric.version}); give each competency exactly one of these levels:`,
    levels,
    '',
    'Rules:',
    '- Judge only the content of what the candidate said: experience, actions, reasoning, results.',
    '- Do not infer or mention emotions, tone of voice, confidence, nervousness, personality, accent, fluency, age,',
    '  gender or any other personal characteristic. Emotion recognition in recruitment is prohibited (EU AI Act',
    '  Art. 5(1)(f)); the transcript carries no audio for this reason.',
    '- The interviewer\'s lines (I1, I2, …) give context only; they are never evidence.',
    '- Evidence: for each competency, one to three quotes copied character for character from candidate lines',
    '  (C1, C2, …), each with the label of its line. Do not paraphrase, shorten inside, fix grammar or join lines.',
    '- If the answers say too little about a competency, set evidence_sufficient to false and level to null, and',
    '  say in the rationale what is missing. Never guess a level.',
    '- Rationale: two or three sentences, referring to what the candidate said.',
  ].join('\n');
}

export function evaluationInput(position: { title: string; description: string }, competencies: readonly string[], lines: readonly TranscriptLine[]): string {
  const transcript = lines.map((l) => `[${l.ref}] ${l.speaker === 'candidate' ? 'Candidate' : 'Interviewer'}: ${l.text}`).join('\n');
  return [
    `Position: ${position.title}`,
    position.description ? `Description: ${position.description}` : '',
    `Competencies (assess each, in this order): ${competencies.map((c) => `"${c}"`).join(', ')}`,
    '',
    'Transcript:',
    transcript,
  ].filter((s) => s !== '').join('\n');
}
